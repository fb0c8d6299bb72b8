import { useState } from 'react';
import { App, Button, Form, Input, InputNumber, Modal, Select, Space, Tag, Tooltip } from 'antd';
import { PauseCircleOutlined, PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { AD_TOOLS, type AdTool } from '@yunying/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PageContainer } from '../../components/PageContainer';
import { PagedTable } from '../../components/PagedTable';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { useAdPlans, useBatchStatus, useCreatePlan, type AdPlan } from './api';
import { money, PeriodPicker, PickShop, useAdsScope, useFigureColumns } from './common';

const HEALTH = ['below', 'above', 'unknown'] as const;
const SORTS = ['spend', 'roi', 'name'] as const;
const yuanToFen = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 100));

function CreatePlan({ shopId, open, onClose }: { shopId: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const create = useCreatePlan();
  const [form] = Form.useForm<{ tool: AdTool; name: string; budget?: number; bid?: number }>();
  return (
    <Modal
      open={open}
      title={t('ads.plans.create')}
      onCancel={onClose}
      confirmLoading={create.isPending}
      onOk={() =>
        void form.validateFields().then((v) =>
          create.mutate(
            { shopId, tool: v.tool, name: v.name, dailyBudgetFen: yuanToFen(v.budget), bidFen: yuanToFen(v.bid) },
            {
              onSuccess: () => {
                void message.success(t('ads.plans.created'));
                form.resetFields();
                onClose();
              },
              onError: (e) => onError(e, form),
            },
          ),
        )
      }
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ tool: 'ztc' }} data-testid="ads-create-form">
        <Form.Item name="tool" label={t('ads.f.tool')} rules={[{ required: true, message: t('ads.plans.toolRequired') }]}>
          <Select options={AD_TOOLS.map((k) => ({ value: k, label: t(`ads.tools.${k}`) }))} />
        </Form.Item>
        <Form.Item name="name" label={t('ads.f.plan')} rules={[{ required: true, whitespace: true, message: t('ads.plans.nameRequired') }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="budget" label={`${t('ads.f.budget')}（${t('ads.plans.yuan')}）`}>
          <InputNumber min={0} precision={2} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="bid" label={`${t('ads.f.bid')}（${t('ads.plans.yuan')}）`}>
          <InputNumber min={0} precision={2} style={{ width: 200 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function AdPlansPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const url = useUrlState();
  const { shop, period } = useAdsScope();
  const [selected, setSelected] = useState<string[]>([]);
  const [creating, setCreating] = useState(false);
  const batch = useBatchStatus();
  const tool = url.get('tool') as AdTool | undefined;
  const status = url.get('status') as 'active' | 'paused' | undefined;
  const health = url.get('health') as (typeof HEALTH)[number] | undefined;
  const sortBy = (url.get('sortBy') as (typeof SORTS)[number] | undefined) ?? 'spend';
  const q = url.get('q');
  const plans = useAdPlans(
    shop
      ? {
          shopId: shop.id,
          from: period.from,
          to: period.to,
          page: url.page,
          pageSize: url.pageSize,
          tool,
          status,
          health,
          sortBy,
          ...(q ? { q } : {}),
        }
      : null,
  );
  const figureCols = useFigureColumns<AdPlan>();
  const setStatus = (s: 'active' | 'paused') =>
    batch.mutate(
      { ids: selected, status: s },
      {
        onSuccess: (r) => {
          void message.success(t('ads.plans.batchDone', { n: r.updated }));
          setSelected([]);
        },
        onError: (e) => onError(e),
      },
    );
  return (
    <PageContainer
      title={t('ads.plans.title')}
      extra={
        shop ? (
          <Space wrap>
            <PeriodPicker period={period} />
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="ads-create">
              {t('ads.plans.create')}
            </Button>
          </Space>
        ) : null
      }
    >
      {!shop ? (
        <PickShop />
      ) : (
        <>
          <Space wrap style={{ marginBottom: 16 }}>
            <Input.Search
              allowClear
              defaultValue={q}
              placeholder={t('ads.plans.search')}
              onSearch={(v) => url.patch({ q: v || undefined })}
              style={{ width: 200 }}
              data-testid="ads-plans-search"
            />
            <Select
              allowClear
              value={tool}
              placeholder={t('ads.plans.allTools')}
              style={{ width: 170 }}
              onChange={(v) => url.patch({ tool: v })}
              options={AD_TOOLS.map((k) => ({ value: k, label: t(`ads.tools.${k}`) }))}
            />
            <Select
              allowClear
              value={status}
              placeholder={t('ads.plans.allStatus')}
              style={{ width: 120 }}
              onChange={(v) => url.patch({ status: v })}
              options={(['active', 'paused'] as const).map((k) => ({ value: k, label: t(`ads.status.${k}`) }))}
            />
            <Select
              value={health ?? ''}
              style={{ width: 130 }}
              onChange={(v) => url.patch({ health: v || undefined })}
              options={[
                { value: '', label: t('ads.plans.health.any') },
                ...HEALTH.map((k) => ({ value: k, label: t(`ads.plans.health.${k}`) })),
              ]}
              data-testid="ads-plans-health"
            />
            <Select
              value={sortBy}
              style={{ width: 110 }}
              onChange={(v) => url.patch({ sortBy: v })}
              options={SORTS.map((k) => ({ value: k, label: t(`ads.plans.sort.${k}`) }))}
            />
            {selected.length ? (
              <Space>
                <span>{t('ads.plans.selected', { n: selected.length })}</span>
                <Button
                  icon={<PauseCircleOutlined />}
                  onClick={() => setStatus('paused')}
                  loading={batch.isPending}
                  data-testid="ads-batch-pause"
                >
                  {t('ads.plans.pause')}
                </Button>
                <Button icon={<PlayCircleOutlined />} onClick={() => setStatus('active')} loading={batch.isPending}>
                  {t('ads.plans.resume')}
                </Button>
              </Space>
            ) : null}
          </Space>
          <PagedTable<AdPlan>
            query={plans}
            url={url}
            rowKey="id"
            emptyText={t('ads.plans.empty')}
            scroll={{ x: 'max-content' }}
            rowSelection={{ selectedRowKeys: selected, onChange: (k) => setSelected(k as string[]) }}
            data-testid="ads-plans"
            columns={[
              {
                title: t('ads.f.plan'),
                dataIndex: 'name',
                fixed: 'left',
                width: 200,
                ellipsis: true,
                render: (v: string, r) => (
                  <Tooltip title={v}>
                    <Link to={`/ads/plans/${r.id}?from=${period.from}&to=${period.to}`}>{v}</Link>
                  </Tooltip>
                ),
              },
              { title: t('ads.f.tool'), dataIndex: 'toolName', width: 110 },
              {
                title: t('ads.f.status'),
                dataIndex: 'status',
                width: 90,
                render: (v: 'active' | 'paused') => <Tag color={v === 'active' ? 'blue' : 'default'}>{t(`ads.status.${v}`)}</Tag>,
              },
              { title: t('ads.f.budget'), dataIndex: 'dailyBudgetFen', align: 'right', render: money },
              ...figureCols,
            ]}
          />
          <CreatePlan shopId={shop.id} open={creating} onClose={() => setCreating(false)} />
        </>
      )}
    </PageContainer>
  );
}
