import { Alert, Button, Empty, Input, Select, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AFTERSALE_STATUSES, AFTERSALE_TYPES, type AftersaleSummary } from '@yunying/core';
import { formatDateTime, formatMoney } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { useUrlState } from '../../components/useUrlState';
import { useShop } from '../../components/ShopContext';
import { AftersaleStatusTag } from '../orders/StatusTags';
import { useAftersales } from './api';

/** After-sales cases; `overdue` is the queue of open cases past their SLA. */
export function AftersalesPage({ mode = 'all' }: { mode?: 'all' | 'overdue' }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { shop } = useShop();
  const url = useUrlState();
  const { page, pageSize } = url;
  const query: Record<string, string | number | undefined> = { page, pageSize, shopId: shop?.id };
  for (const k of ['status', 'type', 'q'] as const) {
    const v = url.get(k);
    if (v) query[k] = v;
  }
  if (mode === 'overdue') query.overdue = '1';
  const list = useAftersales(query);

  const setParam = (k: string, v: string | undefined) => url.patch({ [k]: v });

  const columns: TableProps<AftersaleSummary>['columns'] = [
    {
      title: t('aftersales.fields.code'),
      dataIndex: 'code',
      key: 'code',
      width: 180,
      render: (c: string, a) => (
        <Link to={`/aftersales/${a.id}`} data-testid={`aftersale-link-${a.code}`}>
          {c}
        </Link>
      ),
    },
    {
      title: t('aftersales.fields.orderNo'),
      dataIndex: 'orderNo',
      key: 'orderNo',
      width: 180,
      render: (no: string, a) => <Link to={`/orders/${a.orderId}`}>{no}</Link>,
    },
    { title: t('aftersales.fields.type'), dataIndex: 'type', key: 'type', width: 100, render: (x: string) => labels.aftersaleType(x) },
    { title: t('aftersales.fields.reason'), dataIndex: 'reasonName', key: 'reason', width: 130, render: (x: string | null) => x ?? '—' },
    {
      title: t('aftersales.fields.responsibility'),
      dataIndex: 'responsibility',
      key: 'responsibility',
      width: 100,
      render: (x: string) => labels.responsibility(x),
    },
    { title: t('common.status'), dataIndex: 'status', key: 'status', width: 100, render: (s: string) => <AftersaleStatusTag status={s} /> },
    {
      title: t('aftersales.fields.requested'),
      dataIndex: 'requestedFen',
      key: 'requested',
      width: 110,
      align: 'right',
      render: formatMoney,
    },
    { title: t('aftersales.fields.refund'), dataIndex: 'refundFen', key: 'refund', width: 110, align: 'right', render: formatMoney },
    {
      title: t('aftersales.fields.sla'),
      key: 'sla',
      width: 200,
      render: (_, a) =>
        a.resolvedAt ? (
          '—'
        ) : (
          <Space size={4}>
            <span>{formatDateTime(a.slaDueAt)}</span>
            {a.overdue ? <Tag color="red">{t('aftersales.overdue')}</Tag> : null}
          </Space>
        ),
    },
    {
      title: t('aftersales.fields.createdAt'),
      dataIndex: 'createdAt',
      key: 'createdAt',
      width: 170,
      render: (v: number) => formatDateTime(v),
    },
  ];

  return (
    <PageContainer
      title={mode === 'overdue' ? t('aftersales.overdueTitle') : t('aftersales.title')}
      extra={<Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} aria-label={t('common.refresh')} />}
    >
      {mode === 'overdue' ? <Alert type="warning" showIcon message={t('aftersales.overdueHint')} style={{ marginBottom: 12 }} /> : null}
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('aftersales.search')}
          defaultValue={url.get('q') ?? ''}
          onSearch={(v) => setParam('q', v.trim() || undefined)}
          style={{ width: 240 }}
          data-testid="aftersales-search"
        />
        <Select
          allowClear
          placeholder={t('aftersales.fields.type')}
          style={{ width: 140 }}
          value={url.get('type')}
          onChange={(v: string | undefined) => setParam('type', v)}
          options={AFTERSALE_TYPES.map((x) => ({ value: x, label: labels.aftersaleType(x) }))}
        />
        <Select
          allowClear
          placeholder={t('common.status')}
          style={{ width: 140 }}
          value={url.get('status')}
          onChange={(v: string | undefined) => setParam('status', v)}
          options={AFTERSALE_STATUSES.map((x) => ({ value: x, label: labels.aftersaleStatus(x) }))}
        />
      </Space>
      {list.isError && !list.data ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<AftersaleSummary>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.isFetching}
          scroll={{ x: 1200 }}
          locale={{ emptyText: <Empty description={<Typography.Text type="secondary">{t('aftersales.empty')}</Typography.Text>} /> }}
          pagination={{
            current: page,
            pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { count: total }),
            onChange: url.setPage,
          }}
          data-testid="aftersales-table"
        />
      )}
    </PageContainer>
  );
}
