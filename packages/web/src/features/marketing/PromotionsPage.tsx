import { useState } from 'react';
import { Alert, App, Button, Dropdown, Flex, Input, InputNumber, Select, Space, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import {
  PROMOTION_KIND_LABELS,
  PROMOTION_KINDS,
  PROMOTION_MACHINE,
  PROMOTION_STATUSES,
  type PromotionAction,
  type PromotionSummary,
} from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { PageContainer } from '../../components/PageContainer';
import { PagedTable } from '../../components/PagedTable';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { useBatchPromotions, useMarketingSettings, usePromotionAction, usePromotions, useSaveSettings } from './api';
import { PromotionForm } from './PromotionForm';

export const STATUS_COLORS: Record<string, string> = {
  draft: 'default',
  scheduled: 'blue',
  active: 'green',
  paused: 'orange',
  ended: 'default',
};

/** Which actions a promotion offers in its status (the machine's next statuses). */
function actionsFor(p: PromotionSummary): PromotionAction[] {
  const next = PROMOTION_MACHINE.next(p.status);
  const out: PromotionAction[] = [];
  if (p.status === 'draft') out.push('launch');
  if (p.status === 'paused') out.push('resume');
  if (next.includes('paused')) out.push('pause');
  if (p.status === 'scheduled') out.push('unschedule');
  if (next.includes('ended')) out.push('end');
  return out;
}

function fmt(iso: string) {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The shop's promotions: filters, row selection with batch pause/end, edit and the lifecycle actions. */
export function PromotionsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { shop } = useShop();
  const { message, modal } = App.useApp();
  const onError = useApiError();
  const url = useUrlState();
  const status = url.get('status');
  const kind = url.get('kind');
  const query = usePromotions({ shopId: shop?.id, status, kind, q: url.get('q'), page: url.page, pageSize: url.pageSize });
  const [selected, setSelected] = useState<string[]>([]);
  const [editing, setEditing] = useState<PromotionSummary | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const act = usePromotionAction();
  const batch = useBatchPromotions();
  const settings = useMarketingSettings(shop?.id);
  const saveSettings = useSaveSettings();
  const canWrite = can('marketing.write');

  const doAct = (p: PromotionSummary, action: PromotionAction, accept = false) =>
    act.mutate(
      { id: p.id, action, acceptMarginWarnings: accept },
      {
        onSuccess: () => void message.success(t(`marketing.promotions.done.${action}`)),
        onError: (e) => {
          if (!accept && action !== 'end' && (e as { status?: number }).status === 422)
            modal.confirm({
              title: t('marketing.promotions.marginConfirm'),
              content: (e as Error).message,
              okText: t('marketing.promotions.marginConfirmOk'),
              onOk: () => doAct(p, action, true),
            });
          else onError(e);
        },
      },
    );
  const runBatch = (action: 'pause' | 'end') => {
    const go = () =>
      batch.mutate(
        { ids: selected, action },
        {
          onSuccess: (r) => {
            void message.success(t('marketing.promotions.batchDone', { n: r.done }));
            if (r.failed.length)
              void message.warning(
                t('marketing.promotions.batchFailed', { n: r.failed.length, reasons: r.failed.map((f) => f.message).join('；') }),
              );
            setSelected([]);
          },
          onError: (e) => onError(e),
        },
      );
    if (action === 'end') modal.confirm({ title: t('marketing.promotions.confirmEnd', { n: selected.length }), onOk: go });
    else go();
  };

  const columns: TableProps<PromotionSummary>['columns'] = [
    {
      title: t('marketing.promotions.cols.name'),
      key: 'name',
      render: (_, p) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{p.name}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {PROMOTION_KIND_LABELS[p.kind].zh}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('marketing.promotions.cols.rule'), dataIndex: 'summary', key: 'summary', ellipsis: true },
    {
      title: t('marketing.promotions.cols.window'),
      key: 'window',
      width: 190,
      render: (_, p) => (
        <Typography.Text style={{ fontSize: 12 }}>
          {fmt(p.startsAt)}
          <br />
          {fmt(p.endsAt)}
          {p.weekdays.length ? ` · 每周${p.weekdays.map((d) => '一二三四五六日'[d - 1]).join('、')}` : ''}
        </Typography.Text>
      ),
    },
    {
      title: t('marketing.promotions.cols.group'),
      dataIndex: 'exclusiveGroup',
      key: 'group',
      width: 100,
      render: (g: string | null) => g ?? '—',
    },
    {
      title: t('marketing.promotions.cols.status'),
      dataIndex: 'status',
      key: 'status',
      width: 90,
      render: (s: string) => (
        <Tag color={STATUS_COLORS[s]} data-testid={`promo-status-${s}`}>
          {t(`marketing.status.${s}`)}
        </Tag>
      ),
    },
    {
      title: t('marketing.promotions.cols.actions'),
      key: 'actions',
      width: 200,
      render: (_, p) =>
        canWrite ? (
          <Space size={4} wrap>
            {p.status !== 'ended' ? (
              <Button
                size="small"
                type="link"
                onClick={() => {
                  setEditing(p);
                  setFormOpen(true);
                }}
              >
                {t('marketing.promotions.actions.edit')}
              </Button>
            ) : null}
            {actionsFor(p).map((a) => (
              <Button
                key={a}
                size="small"
                type="link"
                danger={a === 'end'}
                data-testid={`promo-${a}-${p.name}`}
                onClick={() =>
                  a === 'end'
                    ? modal.confirm({ title: t('marketing.promotions.confirmEnd', { n: 1 }), onOk: () => doAct(p, a) })
                    : doAct(p, a)
                }
              >
                {t(`marketing.promotions.actions.${a}`)}
              </Button>
            ))}
          </Space>
        ) : null,
    },
  ];

  return (
    <PageContainer
      title={t('marketing.promotions.title')}
      extra={
        canWrite && shop ? (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            data-testid="promo-create"
            onClick={() => {
              setEditing(null);
              setFormOpen(true);
            }}
          >
            {t('marketing.promotions.create')}
          </Button>
        ) : null
      }
    >
      {!shop ? <Alert type="info" showIcon message={t('marketing.pickShop')} style={{ marginBottom: 12 }} /> : null}
      <Flex wrap gap={8} justify="space-between" style={{ marginBottom: 12 }}>
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('marketing.promotions.search')}
            defaultValue={url.get('q') ?? ''}
            onSearch={(v) => url.patch({ q: v || null })}
            style={{ width: 220 }}
          />
          <Select
            allowClear
            placeholder={t('marketing.promotions.allStatus')}
            value={status}
            style={{ width: 130 }}
            onChange={(v?: string) => url.patch({ status: v ?? null })}
            options={PROMOTION_STATUSES.map((s) => ({ value: s, label: t(`marketing.status.${s}`) }))}
            data-testid="promo-status-filter"
          />
          <Select
            allowClear
            placeholder={t('marketing.promotions.allKinds')}
            value={kind}
            style={{ width: 130 }}
            onChange={(v?: string) => url.patch({ kind: v ?? null })}
            options={PROMOTION_KINDS.map((k) => ({ value: k, label: PROMOTION_KIND_LABELS[k].zh }))}
          />
        </Space>
        <Space wrap>
          {shop && canWrite ? (
            <Tooltip title={t('marketing.promotions.floorHint')}>
              <Space size={4}>
                <Typography.Text>{t('marketing.promotions.floor')}</Typography.Text>
                <InputNumber
                  key={`${shop.id}-${settings.data?.minMarginBp ?? ''}`}
                  min={0}
                  max={99}
                  suffix="%"
                  style={{ width: 90 }}
                  defaultValue={settings.data ? settings.data.minMarginBp / 100 : undefined}
                  onBlur={(e) => {
                    const v = Number(e.target.value || 0);
                    if (Number.isFinite(v) && Math.round(v * 100) !== settings.data?.minMarginBp)
                      saveSettings.mutate(
                        { shopId: shop.id, minMarginBp: Math.round(v * 100) },
                        { onSuccess: () => void message.success(t('marketing.promotions.floorSaved')), onError: (er) => onError(er) },
                      );
                  }}
                />
              </Space>
            </Tooltip>
          ) : null}
          {canWrite ? (
            <Dropdown.Button
              disabled={!selected.length}
              data-testid="promo-batch"
              onClick={() => runBatch('pause')}
              menu={{ items: [{ key: 'end', label: t('marketing.promotions.batchEnd'), danger: true }], onClick: () => runBatch('end') }}
            >
              {selected.length ? t('marketing.promotions.selected', { n: selected.length }) + ' · ' : ''}
              {t('marketing.promotions.batchPause')}
            </Dropdown.Button>
          ) : null}
        </Space>
      </Flex>
      <PagedTable<PromotionSummary>
        data-testid="promotions-table"
        rowKey="id"
        query={query}
        url={url}
        emptyText={t('marketing.promotions.empty')}
        columns={columns}
        rowSelection={canWrite ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) } : undefined}
        scroll={{ x: 1000 }}
      />
      {shop ? <PromotionForm shopId={shop.id} editing={editing} open={formOpen} onClose={() => setFormOpen(false)} /> : null}
    </PageContainer>
  );
}
