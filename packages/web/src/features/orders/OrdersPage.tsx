import { useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  DatePicker,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
  Upload,
  type TableProps,
} from 'antd';
import { DeleteOutlined, PlusOutlined, ReloadOutlined, SaveOutlined, SearchOutlined, UploadOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { CHANNELS, ORDER_STATUSES, type BatchShipResult, type OrderSummary } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatCount, formatDateTime, formatMoney } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { PagedTable } from '../../components/PagedTable';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { useBatchShip, useDeleteView, useOrders, useSaveView, useViews } from './api';
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
  const [shipResult, setShipResult] = useState<BatchShipResult | null>(null);
  const viewsPage = mode === 'exceptions' ? 'orders.exceptions' : 'orders';
  const views = useViews(viewsPage);
  const saveView = useSaveView(viewsPage);
  const deleteView = useDeleteView(viewsPage);
  const batchShip = useBatchShip();
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

  const upload = (file: File) => {
    batchShip.mutate(file, {
      onSuccess: (r) => {
        setShipResult(r);
        if (r.failed === 0) void message.success(t('orders.batchShipDone', { shipped: r.shipped, failed: r.failed }));
      },
      onError: (e) => onError(e),
    });
    return false;
  };

  const counts = orders.data?.counts ?? {};
  const tabs = [
    { key: 'all', label: `${t('orders.all')} ${formatCount(counts.all ?? 0)}` },
    ...ORDER_STATUSES.map((s) => ({ key: s, label: `${labels.orderStatus(s)} ${formatCount(counts[s] ?? 0)}` })),
  ];

  const columns: TableProps<OrderSummary>['columns'] = [
    {
      title: t('orders.col.orderNo'),
      dataIndex: 'orderNo',
      key: 'orderNo',
      width: 190,
      render: (no: string, o) => (
        <Link to={`/orders/${o.id}`} data-testid={`order-link-${o.orderNo}`}>
          {no}
        </Link>
      ),
    },
    {
      title: t('orders.col.shop'),
      key: 'shop',
      width: 140,
      render: (_, o) => (
        <Space size={4} direction="vertical">
          <span>{o.shopName}</span>
          <Tag>{labels.channel(o.channel)}</Tag>
        </Space>
      ),
    },
    {
      title: t('orders.col.goods'),
      key: 'goods',
      ellipsis: true,
      render: (_, o) => (
        <Space size={0} direction="vertical">
          <Typography.Text ellipsis style={{ maxWidth: 260 }}>
            {o.firstTitle}
          </Typography.Text>
          <Typography.Text type="secondary">{t('orders.itemCount', { count: o.itemCount })}</Typography.Text>
        </Space>
      ),
    },
    { title: t('orders.col.buyer'), dataIndex: 'buyerNick', key: 'buyer', width: 130 },
    {
      title: t('orders.col.receiver'),
      key: 'receiver',
      width: 140,
      render: (_, o) => (
        <Space size={0} direction="vertical">
          <span>{o.receiverName}</span>
          <Typography.Text type="secondary">{o.receiverPhone}</Typography.Text>
        </Space>
      ),
    },
    { title: t('orders.col.paid'), dataIndex: 'paidFen', key: 'paid', width: 110, align: 'right', render: (v: number) => formatMoney(v) },
    { title: t('orders.col.status'), dataIndex: 'status', key: 'status', width: 100, render: (s: string) => <OrderStatusTag status={s} /> },
    {
      title: t('orders.col.flags'),
      key: 'flags',
      width: 130,
      render: (_, o) => (
        <Space size={2} wrap>
          {o.urgent ? <Tag color="volcano">{t('orders.flags.urgent')}</Tag> : null}
          {o.logisticsException ? <Tag color="red">{t('orders.flags.logistics_exception')}</Tag> : null}
          {o.isPresale ? <Tag color="purple">{t('orders.flags.presale')}</Tag> : null}
        </Space>
      ),
    },
    {
      title: t('orders.col.tracking'),
      key: 'tracking',
      width: 150,
      render: (_, o) => (o.trackingNo ? `${o.carrier ?? ''} ${o.trackingNo}` : '—'),
    },
    { title: t('orders.col.orderedAt'), dataIndex: 'orderedAt', key: 'orderedAt', width: 170, render: (v: number) => formatDateTime(v) },
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
            <Upload accept=".csv,.xlsx" showUploadList={false} beforeUpload={upload}>
              <Button icon={<UploadOutlined />} loading={batchShip.isPending} data-testid="orders-batch-ship">
                {t('orders.batchShip')}
              </Button>
            </Upload>
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
          <DatePicker.RangePicker allowEmpty={[true, true]} />
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
      <PagedTable<OrderSummary>
        query={orders}
        url={url}
        emptyText={t('orders.empty')}
        rowKey="id"
        columns={columns}
        scroll={{ x: 1300 }}
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
      <Modal
        open={shipResult !== null}
        title={t('orders.batchShip')}
        onCancel={() => setShipResult(null)}
        footer={<Button onClick={() => setShipResult(null)}>{t('common.close')}</Button>}
        width={640}
      >
        {shipResult ? (
          <>
            <Alert
              type={shipResult.failed ? 'warning' : 'success'}
              showIcon
              message={t('orders.batchShipDone', { shipped: shipResult.shipped, failed: shipResult.failed })}
              style={{ marginBottom: 12 }}
              data-testid="batch-ship-result"
            />
            {shipResult.errors.length ? (
              <Table
                size="small"
                rowKey={(e) => `${e.row}`}
                pagination={false}
                dataSource={shipResult.errors}
                columns={[
                  { title: t('orders.row'), dataIndex: 'row', width: 70 },
                  { title: t('orders.col.orderNo'), dataIndex: 'orderNo', width: 180 },
                  { title: t('orders.reason'), dataIndex: 'message' },
                ]}
              />
            ) : null}
          </>
        ) : null}
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          {t('orders.batchShipHint')}
        </Typography.Paragraph>
      </Modal>
    </PageContainer>
  );
}
