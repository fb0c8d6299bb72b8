import { useEffect, useState } from 'react';
import { Alert, App, Button, Form, Input, Select, Space, Tabs, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { FilterRangePicker } from '../../components/DateRangePicker';
import {
  DeleteOutlined,
  FileImageOutlined,
  MessageOutlined,
  PlusOutlined,
  ReloadOutlined,
  SaveOutlined,
  SearchOutlined,
  SendOutlined,
} from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { CHANNELS, ORDER_STATUSES, type OrderSummary } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatDateTime, formatListCount, formatMoney } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { PagedTable } from '../../components/PagedTable';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { useDeleteView, useOrders, useSaveView, useViews } from './api';
import { BatchBar, FlagIcon } from './BatchBar';
import { ShipTemplateModal } from './ShipTemplateModal';
import { OrderStatusTag } from './StatusTags';
import { SaveModal } from '../../components/SaveModal';

const TEXT_FILTERS = ['orderNo', 'skuCode', 'buyerNick', 'receiverPhone', 'trackingNo', 'minPaid', 'maxPaid'] as const;
const SELECT_FILTERS = ['timeField', 'channel', 'flag', 'sort'] as const;

interface FilterForm {
  orderNo?: string;
  skuCode?: string;
  buyerNick?: string;
  receiverPhone?: string;
  trackingNo?: string;
  minPaid?: string;
  maxPaid?: string;
  timeField?: string;
  channel?: string;
  flag?: string;
  sort?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

/** The order list; `exceptions` is the queue of chased and logistics-exception orders. */
export function OrdersPage({ mode = 'all' }: { mode?: 'all' | 'exceptions' }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { can } = useAuth();
  const { shop } = useShop();
  const { message } = App.useApp();
  const onError = useApiError();
  const navigate = useNavigate();
  const url = useUrlState();
  const [form] = Form.useForm<FilterForm>();
  const [viewForm] = Form.useForm<{ name: string }>();
  const [savingView, setSavingView] = useState(false);
  const [shipOpen, setShipOpen] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const viewsPage = mode === 'exceptions' ? 'orders.exceptions' : 'orders';
  const views = useViews(viewsPage);
  const saveView = useSaveView(viewsPage);
  const deleteView = useDeleteView(viewsPage);
  const canPii = can('customers.pii.read');

  const { page, pageSize } = url;
  const status = url.get('status') ?? '';
  const query: Record<string, string | number | undefined> = { page, pageSize, shopId: shop?.id };
  for (const k of [...TEXT_FILTERS, ...SELECT_FILTERS, 'from', 'to', 'status'] as const) {
    const v = url.get(k);
    if (v) query[k] = v;
  }
  if (mode === 'exceptions' && !query.flag) query.flag = 'exception';
  if (!canPii) delete query.receiverPhone;
  const orders = useOrders(query);

  const paramsKey = url.key;
  useEffect(() => {
    const p = new URLSearchParams(paramsKey);
    const v: FilterForm = {};
    for (const k of [...TEXT_FILTERS, ...SELECT_FILTERS]) v[k] = p.get(k) ?? undefined;
    const from = p.get('from');
    const to = p.get('to');
    v.range = from || to ? [from ? dayjs(from) : null, to ? dayjs(to) : null] : null;
    form.resetFields();
    form.setFieldsValue(v);
  }, [paramsKey, form]);

  const applyFilters = (v: FilterForm) => {
    const [start, end] = v.range ?? [null, null];
    url.setFilters({
      ...Object.fromEntries([...TEXT_FILTERS, ...SELECT_FILTERS].map((k) => [k, v[k]?.trim()])),
      from: start?.format('YYYY-MM-DD'),
      to: end?.format('YYYY-MM-DD'),
      status,
    });
  };

  const setStatus = (s: string) => url.patch({ status: s === 'all' ? undefined : s });

  const currentView = views.data?.find((v) => v.query === paramsKey);

  const submitView = (v: { name: string }) => {
    const p = new URLSearchParams(url.params);
    p.delete('page');
    saveView.mutate(
      { name: v.name.trim(), query: p.toString() },
      {
        onSuccess: () => {
          void message.success(t('orders.views.saved'));
          setSavingView(false);
          viewForm.resetFields();
        },
        onError: (e) => onError(e, viewForm),
      },
    );
  };

  const counts = orders.data?.counts ?? {};
  const tabs = [
    { key: 'all', label: `${t('orders.all')} ${formatListCount(counts.all ?? 0)}` },
    ...ORDER_STATUSES.map((s) => ({ key: s, label: `${labels.orderStatus(s)} ${formatListCount(counts[s] ?? 0)}` })),
  ];

  // Fits 1440×900 without scrolling (issue 9 item 5): goods with thumbnail, order, time, amount,
  // parties, status; narrower windows scroll inside the table, never the page.
  const columns: TableProps<OrderSummary>['columns'] = [
    {
      title: t('orders.col.goods'),
      key: 'goods',
      render: (_, o) => (
        <Space size={10} align="start" style={{ minWidth: 0 }}>
          {o.thumbnailUrl ? (
            <img
              src={o.thumbnailUrl}
              alt=""
              width={48}
              height={48}
              loading="lazy"
              style={{ borderRadius: 4, objectFit: 'cover', display: 'block', flex: 'none' }}
              data-testid="order-thumb"
            />
          ) : (
            <span
              style={{
                width: 48,
                height: 48,
                borderRadius: 4,
                background: '#f5f5f5',
                display: 'inline-flex',
                alignItems: 'center',
                justifyContent: 'center',
                flex: 'none',
              }}
              aria-hidden
            >
              <FileImageOutlined style={{ color: '#bfbfbf', fontSize: 20 }} />
            </span>
          )}
          <Space size={0} direction="vertical" style={{ minWidth: 0 }}>
            <Typography.Paragraph ellipsis={{ rows: 2, tooltip: o.firstTitle }} style={{ marginBottom: 0 }}>
              {o.firstTitle}
            </Typography.Paragraph>
            <Typography.Text type="secondary">{t('orders.itemCount', { count: o.itemCount })}</Typography.Text>
          </Space>
        </Space>
      ),
    },
    {
      title: t('orders.col.orderNo'),
      key: 'orderNo',
      width: 196,
      render: (_, o) => (
        <Space size={0} direction="vertical">
          <Space size={4}>
            <FlagIcon color={o.flagColor} />
            <Link to={`/orders/${o.id}`} data-testid={`order-link-${o.orderNo}`}>
              {o.orderNo}
            </Link>
          </Space>
          <Typography.Text type="secondary" ellipsis style={{ maxWidth: 180 }}>
            {labels.channel(o.channel)} · {o.shopName}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('orders.col.orderedAt'), dataIndex: 'orderedAt', key: 'orderedAt', width: 150, render: (v: number) => formatDateTime(v) },
    {
      title: t('orders.col.paid'),
      key: 'paid',
      width: 116,
      align: 'right',
      render: (_, o) => (
        <Space size={0} direction="vertical" style={{ alignItems: 'flex-end' }}>
          <Typography.Text strong>{formatMoney(o.paidFen)}</Typography.Text>
          {o.shippingFen ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('orders.col.shippingIncl', { amount: formatMoney(o.shippingFen) })}
            </Typography.Text>
          ) : null}
          {o.refundFen ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('orders.col.refunded', { amount: formatMoney(o.refundFen) })}
            </Typography.Text>
          ) : null}
        </Space>
      ),
    },
    {
      title: t('orders.col.buyer'),
      key: 'buyer',
      width: 150,
      render: (_, o) => (
        <Space size={0} direction="vertical" style={{ minWidth: 0 }}>
          <Typography.Text ellipsis style={{ maxWidth: 134 }}>
            {o.buyerNick}
          </Typography.Text>
          <Typography.Text type="secondary" ellipsis style={{ maxWidth: 134 }}>
            {o.receiverName} {o.receiverPhone}
          </Typography.Text>
          {o.sellerMemo ? (
            <Tooltip title={o.sellerMemo}>
              <Typography.Text type="warning" ellipsis style={{ maxWidth: 134, fontSize: 12 }} data-testid="order-memo-cell">
                <MessageOutlined /> {o.sellerMemo}
              </Typography.Text>
            </Tooltip>
          ) : null}
        </Space>
      ),
    },
    {
      title: t('orders.col.status'),
      key: 'status',
      width: 150,
      render: (_, o) => (
        <Space size={2} direction="vertical">
          <Space size={2} wrap>
            <OrderStatusTag status={o.status} />
            {o.urgent ? <Tag color="volcano">{t('orders.flags.urgent')}</Tag> : null}
            {o.logisticsException ? <Tag color="red">{t('orders.flags.logistics_exception')}</Tag> : null}
            {o.isPresale ? <Tag color="purple">{t('orders.flags.presale')}</Tag> : null}
          </Space>
          {o.trackingNo ? (
            <Typography.Text type="secondary" ellipsis style={{ maxWidth: 140, fontSize: 12 }}>
              {o.carrier ?? ''} {o.trackingNo}
            </Typography.Text>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <PageContainer
      title={mode === 'exceptions' ? t('orders.exceptionsTitle') : t('orders.title')}
      extra={
        <>
          <Select
            style={{ width: 200 }}
            placeholder={t('orders.views.placeholder')}
            value={currentView?.id ?? null}
            allowClear
            loading={views.isLoading}
            options={(views.data ?? []).map((v) => ({ value: v.id, label: v.name }))}
            onChange={(id: string | null) => {
              const v = views.data?.find((x) => x.id === id);
              url.load(v ? v.query : '');
            }}
            data-testid="orders-views"
          />
          {currentView ? (
            <Button
              icon={<DeleteOutlined />}
              aria-label={t('orders.views.delete')}
              title={t('orders.views.delete')}
              onClick={() =>
                deleteView.mutate(currentView.id, {
                  onSuccess: () => void message.success(t('orders.views.deleted')),
                  onError: (e) => onError(e),
                })
              }
            />
          ) : null}
          <Button icon={<SaveOutlined />} onClick={() => setSavingView(true)} data-testid="orders-view-save">
            {t('orders.views.save')}
          </Button>
          <Button icon={<ReloadOutlined />} onClick={() => void orders.refetch()} aria-label={t('common.refresh')} />
          {can('orders.ship') ? (
            <Button icon={<SendOutlined />} onClick={() => setShipOpen(true)} data-testid="orders-batch-ship">
              {t('orders.batchShip')}
            </Button>
          ) : null}
          {can('orders.write') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/orders/new')} data-testid="order-create">
              {t('orders.create')}
            </Button>
          ) : null}
        </>
      }
    >
      {mode === 'exceptions' ? <Alert type="info" showIcon message={t('orders.exceptionsHint')} style={{ marginBottom: 12 }} /> : null}
      <Form<FilterForm>
        form={form}
        layout="inline"
        onFinish={applyFilters}
        style={{ rowGap: 8, marginBottom: 12 }}
        data-testid="orders-filters"
      >
        <Form.Item name="orderNo">
          <Input placeholder={t('orders.filters.orderNo')} allowClear style={{ width: 170 }} data-testid="filter-orderNo" />
        </Form.Item>
        <Form.Item name="timeField">
          <Select
            placeholder={t('orders.filters.timeField')}
            allowClear
            style={{ width: 120 }}
            options={(['created', 'paid', 'shipped'] as const).map((f) => ({ value: f, label: t(`orders.filters.${f}`) }))}
          />
        </Form.Item>
        <Form.Item name="range">
          <FilterRangePicker allowEmpty={[true, true]} />
        </Form.Item>
        <Form.Item name="channel">
          <Select
            placeholder={t('orders.filters.channel')}
            allowClear
            style={{ width: 120 }}
            options={CHANNELS.map((c) => ({ value: c, label: labels.channel(c) }))}
          />
        </Form.Item>
        <Form.Item name="skuCode">
          <Input placeholder={t('orders.filters.skuCode')} allowClear style={{ width: 130 }} />
        </Form.Item>
        <Form.Item name="buyerNick">
          <Input placeholder={t('orders.filters.buyerNick')} allowClear style={{ width: 130 }} />
        </Form.Item>
        {canPii ? (
          <Form.Item name="receiverPhone">
            <Input placeholder={t('orders.filters.receiverPhone')} allowClear style={{ width: 130 }} />
          </Form.Item>
        ) : null}
        <Form.Item name="trackingNo">
          <Input placeholder={t('orders.filters.trackingNo')} allowClear style={{ width: 150 }} />
        </Form.Item>
        <Form.Item label={t('orders.filters.amount')} style={{ marginInlineEnd: 0 }}>
          <Space.Compact>
            <Form.Item name="minPaid" noStyle>
              <Input placeholder={t('orders.filters.minPaid')} style={{ width: 80 }} />
            </Form.Item>
            <Form.Item name="maxPaid" noStyle>
              <Input placeholder={t('orders.filters.maxPaid')} style={{ width: 80 }} />
            </Form.Item>
          </Space.Compact>
        </Form.Item>
        {mode === 'all' ? (
          <Form.Item name="flag">
            <Select
              placeholder={t('orders.filters.flag')}
              allowClear
              style={{ width: 150 }}
              options={(['urgent', 'logistics_exception', 'presale', 'exception'] as const).map((f) => ({
                value: f,
                label: t(`orders.flags.${f}`),
              }))}
            />
          </Form.Item>
        ) : (
          <Form.Item name="flag">
            <Select
              placeholder={t('orders.flags.exception')}
              allowClear
              style={{ width: 150 }}
              options={(['urgent', 'logistics_exception'] as const).map((f) => ({ value: f, label: t(`orders.flags.${f}`) }))}
            />
          </Form.Item>
        )}
        <Form.Item name="sort">
          <Select
            placeholder={t('orders.sort.label')}
            allowClear
            style={{ width: 170 }}
            options={(['-orderedAt', 'orderedAt', '-paidFen', 'paidFen'] as const).map((s) => ({ value: s, label: t(`orders.sort.${s}`) }))}
          />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="orders-search">
              {t('common.search')}
            </Button>
            <Button onClick={url.reset}>{t('common.reset')}</Button>
          </Space>
        </Form.Item>
      </Form>
      <Tabs activeKey={status || 'all'} onChange={setStatus} items={tabs} data-testid="orders-status-tabs" />
      {selected.length ? <BatchBar ids={selected} onClear={() => setSelected([])} /> : null}
      <PagedTable<OrderSummary>
        query={orders}
        url={url}
        emptyText={t('orders.empty')}
        rowKey="id"
        columns={columns}
        tableLayout="fixed"
        rowSelection={{
          selectedRowKeys: selected,
          preserveSelectedRowKeys: true,
          onChange: (keys) => setSelected(keys.map(String)),
          columnWidth: 40,
        }}
        scroll={{ x: 1060 }}
        data-testid="orders-table"
      />
      <SaveModal
        form={viewForm}
        open={savingView}
        title={t('orders.views.save')}
        onClose={() => setSavingView(false)}
        saving={saveView.isPending}
      >
        <Form form={viewForm} layout="vertical" onFinish={submitView}>
          <Form.Item
            name="name"
            label={t('orders.views.name')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={60} data-testid="view-name" />
          </Form.Item>
        </Form>
      </SaveModal>
      <ShipTemplateModal open={shipOpen} onClose={() => setShipOpen(false)} ids={selected} shopId={shop?.id} />
    </PageContainer>
  );
}
