import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Checkbox,
  Descriptions,
  Empty,
  InputNumber,
  Space,
  Table,
  Tag,
  Typography,
  theme,
  type TableProps,
} from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { StocktakeLine } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatDateTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { Loading, QueryError } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { useStocktake, useStocktakeActions } from './api';
import { STOCKTAKE_COLORS } from './StocktakesPage';
import { SkuCell } from './listParts';

/** The count sheet: enter counted figures, see variances highlighted, save, apply or cancel. */
export function StocktakeDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const { can } = useAuth();
  const { message, modal } = App.useApp();
  const onError = useApiError();
  const st = useStocktake(id);
  const { save, apply, cancel } = useStocktakeActions();
  const [draft, setDraft] = useState<Map<string, number | null>>(new Map());
  const [skipUncounted, setSkipUncounted] = useState(false);
  useEffect(() => setDraft(new Map()), [st.data?.status]);

  const lines = useMemo(
    () =>
      (st.data?.lines ?? []).map((l) => {
        const counted = draft.has(l.skuId) ? draft.get(l.skuId)! : l.counted;
        return { ...l, counted, variance: counted === null ? null : counted - l.expected };
      }),
    [st.data, draft],
  );
  if (st.isPending) return <Loading />;
  if (st.isError) return <QueryError error={st.error} onRetry={() => void st.refetch()} />;
  const s = st.data;
  const editable = s.status === 'counting' && can('inventory.write');
  const counted = lines.filter((l) => l.counted !== null);
  const gain = counted.reduce((a, l) => a + Math.max(0, l.variance ?? 0), 0);
  const loss = counted.reduce((a, l) => a + Math.max(0, -(l.variance ?? 0)), 0);
  const moved = lines.some((l) => l.onHandNow !== l.expected);

  const doSave = (then?: () => void) => {
    if (draft.size === 0) return then?.();
    save.mutate(
      { id, lines: [...draft].map(([skuId, c]) => ({ skuId, counted: c })) },
      {
        onSuccess: () => {
          setDraft(new Map());
          if (then) then();
          else void message.success(t('inventory.countsSaved'));
        },
        onError: (e) => onError(e),
      },
    );
  };
  const doApply = () =>
    modal.confirm({
      title: t('inventory.apply'),
      content: t('inventory.applyConfirm'),
      okText: t('common.ok'),
      cancelText: t('common.cancel'),
      okButtonProps: { 'data-testid': 'stocktake-apply-confirm' } as Record<string, string>,
      onOk: () =>
        new Promise<void>((resolve) =>
          doSave(() =>
            apply.mutate(
              { id, skipUncounted },
              {
                onSuccess: () => void message.success(t('inventory.applied')),
                onError: (e) => onError(e),
                onSettled: () => resolve(),
              },
            ),
          ),
        ),
    });
  const doCancel = () =>
    modal.confirm({
      title: t('inventory.cancelStocktake'),
      content: t('inventory.cancelConfirm'),
      okText: t('common.ok'),
      cancelText: t('common.cancel'),
      onOk: () => cancel.mutateAsync(id).then(() => void message.success(t('inventory.cancelled')), onError),
    });

  const columns: TableProps<(typeof lines)[number]>['columns'] = [
    {
      title: t('inventory.sku'),
      key: 'sku',
      render: (_, l: StocktakeLine) => <SkuCell row={l} />,
    },
    { title: t('inventory.expected'), dataIndex: 'expected', align: 'right', width: 130 },
    {
      title: t('inventory.onHandNow'),
      dataIndex: 'onHandNow',
      align: 'right',
      width: 110,
      render: (n: number, l) => <Typography.Text type={n !== l.expected ? 'warning' : undefined}>{n}</Typography.Text>,
    },
    {
      title: t('inventory.counted'),
      key: 'counted',
      width: 140,
      render: (_, l) =>
        editable ? (
          <InputNumber
            min={0}
            precision={0}
            value={l.counted}
            onChange={(v) => setDraft((d) => new Map(d).set(l.skuId, v ?? null))}
            data-testid={`count-${l.skuCode}`}
            style={{ width: 110 }}
          />
        ) : (
          (l.counted ?? '—')
        ),
    },
    {
      title: t('inventory.variance'),
      dataIndex: 'variance',
      align: 'right',
      width: 100,
      render: (v: number | null) =>
        v === null ? (
          '—'
        ) : v === 0 ? (
          <Typography.Text type="secondary">0</Typography.Text>
        ) : (
          <Typography.Text strong type={v > 0 ? 'success' : 'danger'}>
            {v > 0 ? `+${v}` : v}
          </Typography.Text>
        ),
    },
  ];

  return (
    <PageContainer
      title={`${t('inventory.stocktakesTitle')} ${s.code}`}
      extra={
        <>
          <Link to="/inventory/stocktakes">
            <Button icon={<ArrowLeftOutlined />}>{t('inventory.back')}</Button>
          </Link>
          {editable ? (
            <>
              <Button
                onClick={() =>
                  setDraft((d) => {
                    const n = new Map(d);
                    for (const l of lines) if (l.counted === null) n.set(l.skuId, l.expected);
                    return n;
                  })
                }
              >
                {t('inventory.fillExpected')}
              </Button>
              <Button onClick={() => doSave()} loading={save.isPending} disabled={draft.size === 0} data-testid="stocktake-save">
                {t('inventory.saveCounts')}
              </Button>
              <Button danger onClick={doCancel} data-testid="stocktake-cancel">
                {t('inventory.cancelStocktake')}
              </Button>
              <Button type="primary" onClick={doApply} loading={apply.isPending} data-testid="stocktake-apply">
                {t('inventory.apply')}
              </Button>
            </>
          ) : null}
        </>
      }
    >
      <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('inventory.warehouse')}>{s.warehouseName}</Descriptions.Item>
        <Descriptions.Item label={t('common.status')}>
          <Tag color={STOCKTAKE_COLORS[s.status]} data-testid="stocktake-status">
            {t(`inventory.stocktakeStatus.${s.status}`)}
          </Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('common.createdAt')}>{formatDateTime(s.createdAt)}</Descriptions.Item>
        {s.note ? <Descriptions.Item label={t('inventory.note')}>{s.note}</Descriptions.Item> : null}
      </Descriptions>
      <Space orientation="vertical" style={{ width: '100%', marginBottom: 12 }}>
        <Alert
          type={loss ? 'warning' : 'info'}
          showIcon
          title={t('inventory.summary', { counted: counted.length, total: lines.length, gain, loss })}
          data-testid="stocktake-summary"
        />
        {editable && moved ? <Alert type="warning" showIcon title={t('inventory.movedSince')} /> : null}
        {editable && draft.size ? <Typography.Text type="warning">{t('inventory.unsaved')}</Typography.Text> : null}
        {editable && counted.length < lines.length ? (
          <Checkbox checked={skipUncounted} onChange={(e) => setSkipUncounted(e.target.checked)}>
            {t('inventory.skipUncounted')}
          </Checkbox>
        ) : null}
      </Space>
      <Table
        rowKey="skuId"
        size="middle"
        columns={columns}
        dataSource={lines}
        pagination={lines.length > 100 ? { pageSize: 100 } : false}
        locale={{ emptyText: <Empty /> }}
        onRow={(l) =>
          ({
            style: l.variance ? { background: l.variance > 0 ? token.colorSuccessBg : token.colorErrorBg } : undefined,
            'data-variance': l.variance ?? '',
          }) as React.HTMLAttributes<HTMLElement>
        }
        data-testid="stocktake-lines"
      />
    </PageContainer>
  );
}
