import { useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Progress,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  type TableProps,
} from 'antd';
import { DeleteOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { PO_STATUSES, type PurchaseOrder, type PurchaseOrderLine } from '@yunying/core';
import { formatDate, formatDateTime, formatMoney } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { PagedTable } from '../../components/PagedTable';
import { Loading, QueryError } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { SkuPicker, WarehouseSelect, skuLabel } from '../inventory/pickers';
import { useWarehouses } from '../inventory/api';
import { useUrlState } from '../../components/useUrlState';
import { usePurchaseOrder, usePurchaseOrderActions, usePurchaseOrders, useSuppliers } from './api';
import { SaveModal } from '../../components/SaveModal';

const STATUS_COLOR: Record<string, string> = {
  draft: 'default',
  ordered: 'processing',
  partial: 'warning',
  received: 'success',
  cancelled: 'default',
};

interface PoForm {
  supplierId: string;
  warehouseId: string;
  expectedAt?: Dayjs | null;
  note?: string;
  lines: { skuId: string; qty: number; unitCostYuan: number }[];
}

function PoFormModal({
  open,
  po,
  onClose,
  onSaved,
}: {
  open: boolean;
  po?: PurchaseOrder | undefined;
  onClose: () => void;
  onSaved: (po: PurchaseOrder) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<PoForm>();
  const suppliers = useSuppliers({ pageSize: 200 });
  const warehouses = useWarehouses();
  const { save } = usePurchaseOrderActions();
  const lines = Form.useWatch('lines', form) ?? [];
  const total = lines.reduce((s, l) => s + Math.round((l?.unitCostYuan ?? 0) * 100) * (l?.qty ?? 0), 0);
  useEffect(() => {
    if (!open) return;
    if (po) {
      form.setFieldsValue({
        supplierId: po.supplierId,
        warehouseId: po.warehouseId,
        expectedAt: po.expectedAt ? dayjs(po.expectedAt) : null,
        note: po.note,
        lines: (po.lines ?? []).map((l) => ({ skuId: l.skuId, qty: l.qty, unitCostYuan: l.unitCostFen / 100 })),
      });
    } else {
      const def = warehouses.data?.find((w) => w.isDefault);
      form.setFieldsValue({ lines: [{} as PoForm['lines'][number]], ...(def ? { warehouseId: def.id } : {}) });
    }
  }, [open, po, form, warehouses.data]);
  return (
    <SaveModal
      form={form}
      open={open}
      width={860}
      title={po ? t('purchasing.editOrder', { code: po.code }) : t('purchasing.newOrder')}
      onClose={onClose}
      saving={save.isPending}
      submitTestId="po-submit"
    >
      {suppliers.data && suppliers.data.total === 0 ? (
        <Alert type="warning" showIcon title={t('purchasing.needSupplier')} style={{ marginBottom: 12 }} />
      ) : null}
      <Form<PoForm>
        form={form}
        layout="vertical"
        onFinish={(v) =>
          save.mutate(
            {
              id: po?.id,
              body: {
                supplierId: v.supplierId,
                warehouseId: v.warehouseId,
                expectedAt: v.expectedAt ? v.expectedAt.endOf('day').valueOf() : null,
                note: v.note?.trim() ?? '',
                lines: v.lines.map((l) => ({ skuId: l.skuId, qty: l.qty, unitCostFen: Math.round(l.unitCostYuan * 100) })),
              },
            },
            {
              onSuccess: (saved) => {
                void message.success(po ? t('purchasing.saved') : t('purchasing.created', { code: saved.code }));
                onSaved(saved);
              },
              onError: (e) => onError(e, form),
            },
          )
        }
      >
        <Space wrap align="start">
          <Form.Item name="supplierId" label={t('purchasing.supplier')} rules={[{ required: true, message: t('common.required') }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              style={{ width: 240 }}
              loading={suppliers.isPending}
              options={(suppliers.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
              data-testid="po-supplier"
            />
          </Form.Item>
          <Form.Item name="warehouseId" label={t('purchasing.warehouse')} rules={[{ required: true, message: t('common.required') }]}>
            <WarehouseSelect activeOnly style={{ width: 180 }} data-testid="po-warehouse" />
          </Form.Item>
          <Form.Item name="expectedAt" label={t('purchasing.expectedAt')}>
            <DatePicker />
          </Form.Item>
        </Space>
        <div>
          <Typography.Text strong>{t('purchasing.lines')}</Typography.Text>
        </div>
        <Form.List name="lines">
          {(fields, { add, remove }) => (
            <div style={{ marginTop: 8 }}>
              {fields.map((f) => (
                <Space key={f.key} align="start" style={{ display: 'flex' }}>
                  <Form.Item name={[f.name, 'skuId']} rules={[{ required: true, message: t('common.required') }]} style={{ width: 420 }}>
                    <SkuPicker
                      data-testid={`po-sku-${f.name}`}
                      onPick={(s) => {
                        if (s && s.costFen && form.getFieldValue(['lines', f.name, 'unitCostYuan']) == null) {
                          form.setFieldValue(['lines', f.name, 'unitCostYuan'], s.costFen / 100);
                        }
                      }}
                    />
                  </Form.Item>
                  <Form.Item name={[f.name, 'qty']} rules={[{ required: true, message: t('common.required') }]}>
                    <InputNumber min={1} precision={0} placeholder={t('purchasing.qty')} data-testid={`po-qty-${f.name}`} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'unitCostYuan']} rules={[{ required: true, message: t('common.required') }]}>
                    <InputNumber
                      min={0}
                      precision={2}
                      prefix="¥"
                      placeholder={t('purchasing.unitCost')}
                      style={{ width: 140 }}
                      data-testid={`po-cost-${f.name}`}
                    />
                  </Form.Item>
                  {fields.length > 1 ? (
                    <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('common.delete')} />
                  ) : null}
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})} block data-testid="po-add-line">
                {t('purchasing.addLine')}
              </Button>
            </div>
          )}
        </Form.List>
        <div style={{ textAlign: 'right', margin: '12px 0' }}>
          <Typography.Text strong>
            {t('purchasing.total')}：{formatMoney(total)}
          </Typography.Text>
        </div>
        <Form.Item name="note" label={t('purchasing.note')}>
          <Input name="note" maxLength={400} />
        </Form.Item>
      </Form>
    </SaveModal>
  );
}

function ReceiveModal({ po, onClose }: { po: PurchaseOrder | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const { receive } = usePurchaseOrderActions();
  const [qty, setQty] = useState<Record<string, number | null>>({});
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    setQty({});
    setNote('');
    setErrors({});
  }, [po?.id]);
  const lines = (po?.lines ?? []).filter((l) => l.qty > l.receivedQty);
  const submit = () => {
    if (!po) return;
    const body = lines.filter((l) => (qty[l.id] ?? 0) > 0).map((l) => ({ lineId: l.id, qty: qty[l.id]! }));
    if (!body.length) {
      void message.warning(t('purchasing.nothingToReceive'));
      return;
    }
    receive.mutate(
      { id: po.id, lines: body, note: note.trim() },
      {
        onSuccess: () => {
          void message.success(t('purchasing.received'));
          onClose();
        },
        onError: (e) => {
          const errs: Record<string, string> = {};
          const fe = (e as { errors?: { path: string; message: string }[] }).errors ?? [];
          for (const x of fe) {
            const m = /^lines\.(\d+)\./.exec(x.path);
            if (m) errs[body[Number(m[1])]!.lineId] = x.message;
          }
          setErrors(errs);
          onError(e);
        },
      },
    );
  };
  const columns: TableProps<PurchaseOrderLine>['columns'] = [
    {
      title: t('purchasing.sku'),
      key: 'sku',
      render: (_, l) => skuLabel({ code: l.skuCode, productTitle: l.productTitle, specText: l.specText }),
    },
    { title: t('purchasing.qty'), dataIndex: 'qty', align: 'right', width: 70 },
    { title: t('purchasing.receivedQty'), dataIndex: 'receivedQty', align: 'right', width: 70 },
    { title: t('purchasing.remaining'), key: 'rem', align: 'right', width: 70, render: (_, l) => l.qty - l.receivedQty },
    {
      title: t('purchasing.receiveQty'),
      key: 'now',
      width: 150,
      render: (_, l) => (
        <div>
          <InputNumber
            min={0}
            max={l.qty - l.receivedQty}
            precision={0}
            value={qty[l.id] ?? null}
            status={errors[l.id] ? 'error' : undefined}
            onChange={(v) => setQty((q) => ({ ...q, [l.id]: v }))}
            data-testid={`receive-qty-${l.skuCode}`}
          />
          {errors[l.id] ? (
            <Typography.Text type="danger" style={{ display: 'block', fontSize: 12 }}>
              {errors[l.id]}
            </Typography.Text>
          ) : null}
        </div>
      ),
    },
  ];
  return (
    <Modal
      open={!!po}
      width={820}
      title={po ? t('purchasing.receiveTitle', { code: po.code }) : ''}
      onCancel={onClose}
      onOk={submit}
      okText={t('purchasing.receive')}
      cancelText={t('common.cancel')}
      confirmLoading={receive.isPending}
      okButtonProps={{ 'data-testid': 'po-receive-submit' }}
      destroyOnHidden
    >
      <Alert type="info" showIcon title={t('purchasing.receiveTip')} style={{ marginBottom: 12 }} />
      <Button
        size="small"
        style={{ marginBottom: 8 }}
        onClick={() => setQty(Object.fromEntries(lines.map((l) => [l.id, l.qty - l.receivedQty])))}
        data-testid="po-receive-all"
      >
        {t('purchasing.receiveAll')}
      </Button>
      <Table rowKey="id" size="small" columns={columns} dataSource={lines} pagination={false} />
      <Input
        style={{ marginTop: 12 }}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        maxLength={200}
        placeholder={t('purchasing.note')}
      />
    </Modal>
  );
}

function PoDrawer({
  id,
  onClose,
  onEdit,
  onReceive,
}: {
  id: string | null;
  onClose: () => void;
  onEdit: (po: PurchaseOrder) => void;
  onReceive: (po: PurchaseOrder) => void;
}) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const onError = useApiError();
  const po = usePurchaseOrder(id);
  const { transition } = usePurchaseOrderActions();
  const act = (p: PurchaseOrder, action: 'order' | 'cancel') =>
    modal.confirm({
      title: action === 'order' ? t('purchasing.order') : t('purchasing.cancel'),
      content: action === 'order' ? t('purchasing.orderConfirm') : t('purchasing.cancelConfirm'),
      okText: t('common.ok'),
      cancelText: t('common.cancel'),
      onOk: () =>
        transition
          .mutateAsync({ id: p.id, action })
          .then(() => void message.success(action === 'order' ? t('purchasing.ordered') : t('purchasing.cancelledMsg')), onError),
    });
  const p = po.data;
  const columns: TableProps<PurchaseOrderLine>['columns'] = [
    {
      title: t('purchasing.sku'),
      key: 'sku',
      render: (_, l) => skuLabel({ code: l.skuCode, productTitle: l.productTitle, specText: l.specText }),
    },
    { title: t('purchasing.qty'), dataIndex: 'qty', align: 'right', width: 70 },
    { title: t('purchasing.receivedQty'), dataIndex: 'receivedQty', align: 'right', width: 70 },
    { title: t('purchasing.unitCost'), dataIndex: 'unitCostFen', align: 'right', width: 110, render: (v: number) => formatMoney(v) },
    { title: t('purchasing.amount'), dataIndex: 'amountFen', align: 'right', width: 120, render: (v: number) => formatMoney(v) },
  ];
  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      size={820}
      title={p ? `${t('purchasing.detail')} ${p.code}` : t('purchasing.detail')}
      destroyOnHidden
    >
      {po.isPending ? (
        <Loading />
      ) : po.isError ? (
        <QueryError error={po.error} onRetry={() => void po.refetch()} />
      ) : p ? (
        <>
          <Space style={{ marginBottom: 16 }} wrap>
            {p.status === 'draft' ? (
              <>
                <Button onClick={() => onEdit(p)} data-testid="po-edit">
                  {t('common.edit')}
                </Button>
                <Button type="primary" onClick={() => act(p, 'order')} data-testid="po-order">
                  {t('purchasing.order')}
                </Button>
              </>
            ) : null}
            {p.status === 'ordered' || p.status === 'partial' ? (
              <Button type="primary" onClick={() => onReceive(p)} data-testid="po-receive">
                {t('purchasing.receive')}
              </Button>
            ) : null}
            {(p.status === 'draft' || p.status === 'ordered') && p.receivedQty === 0 ? (
              <Button danger onClick={() => act(p, 'cancel')} data-testid="po-cancel">
                {t('purchasing.cancel')}
              </Button>
            ) : null}
          </Space>
          <Descriptions size="small" column={2} bordered style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('common.status')}>
              <Tag color={STATUS_COLOR[p.status]} data-testid="po-status">
                {t(`purchasing.status.${p.status}`)}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('purchasing.supplier')}>{p.supplierName}</Descriptions.Item>
            <Descriptions.Item label={t('purchasing.warehouse')}>{p.warehouseName}</Descriptions.Item>
            <Descriptions.Item label={t('purchasing.expectedAt')}>{formatDate(p.expectedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('purchasing.total')}>{formatMoney(p.totalFen)}</Descriptions.Item>
            <Descriptions.Item label={t('purchasing.progress')}>
              {p.receivedQty} / {p.totalQty}
            </Descriptions.Item>
            {p.note ? (
              <Descriptions.Item label={t('purchasing.note')} span={2}>
                {p.note}
              </Descriptions.Item>
            ) : null}
          </Descriptions>
          <Table rowKey="id" size="small" columns={columns} dataSource={p.lines ?? []} pagination={false} data-testid="po-lines" />
        </>
      ) : null}
    </Drawer>
  );
}

export function PurchaseOrdersPage() {
  const { t } = useTranslation();
  const url = useUrlState();
  const [form] = Form.useForm<{ q?: string; status?: string }>();
  const list = usePurchaseOrders({ q: url.get('q'), status: url.get('status'), page: url.page, pageSize: url.pageSize });
  const openId = url.get('po') ?? null;
  const [editing, setEditing] = useState<{ po?: PurchaseOrder } | null>(null);
  const [receiving, setReceiving] = useState<PurchaseOrder | null>(null);
  const setOpen = (id: string | null) => {
    const p = new URLSearchParams(url.params);
    if (id) p.set('po', id);
    else p.delete('po');
    url.setFilters(Object.fromEntries(p));
  };
  useEffect(() => {
    const p = new URLSearchParams(url.key);
    form.setFieldsValue({ q: p.get('q') ?? undefined, status: p.get('status') ?? undefined });
  }, [url.key, form]);
  const columns: TableProps<PurchaseOrder>['columns'] = [
    {
      title: t('purchasing.code'),
      dataIndex: 'code',
      width: 170,
      render: (c: string, p) => (
        <Typography.Link onClick={() => setOpen(p.id)} data-testid={`po-open-${c}`}>
          {c}
        </Typography.Link>
      ),
    },
    { title: t('purchasing.supplier'), dataIndex: 'supplierName' },
    { title: t('purchasing.warehouse'), dataIndex: 'warehouseName', width: 120 },
    {
      title: t('common.status'),
      dataIndex: 'status',
      width: 110,
      render: (s: string) => <Tag color={STATUS_COLOR[s]}>{t(`purchasing.status.${s}`)}</Tag>,
    },
    {
      title: t('purchasing.progress'),
      key: 'progress',
      width: 170,
      render: (_, p) => (
        <Progress
          size="small"
          percent={p.totalQty ? Math.round((p.receivedQty / p.totalQty) * 100) : 0}
          format={() => `${p.receivedQty}/${p.totalQty}`}
        />
      ),
    },
    { title: t('purchasing.total'), dataIndex: 'totalFen', align: 'right', width: 130, render: (v: number) => formatMoney(v) },
    { title: t('purchasing.expectedAt'), dataIndex: 'expectedAt', width: 120, render: (v: number | null) => formatDate(v) },
    { title: t('purchasing.createdAt'), dataIndex: 'createdAt', width: 170, render: (v: number) => formatDateTime(v) },
  ];
  return (
    <PageContainer
      title={t('purchasing.ordersTitle')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})} data-testid="po-create">
          {t('purchasing.newOrder')}
        </Button>
      }
    >
      <Form
        form={form}
        layout="inline"
        style={{ rowGap: 12, marginBottom: 16 }}
        onFinish={(v) => url.setFilters({ q: v.q?.trim(), status: v.status })}
      >
        <Form.Item name="q">
          <Input name="q" allowClear placeholder={t('purchasing.searchPlaceholder')} style={{ width: 220 }} />
        </Form.Item>
        <Form.Item name="status">
          <Select
            allowClear
            placeholder={t('purchasing.allStatuses')}
            style={{ width: 140 }}
            options={PO_STATUSES.map((s) => ({ value: s, label: t(`purchasing.status.${s}`) }))}
            data-testid="po-filter-status"
          />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
            {t('common.search')}
          </Button>
        </Form.Item>
      </Form>
      <PagedTable<PurchaseOrder>
        query={list}
        url={url}
        emptyText={t('purchasing.empty')}
        rowKey="id"
        columns={columns}
        scroll={{ x: 1100 }}
        data-testid="po-table"
      />
      <PoDrawer id={openId} onClose={() => setOpen(null)} onEdit={(po) => setEditing({ po })} onReceive={setReceiving} />
      <PoFormModal
        open={!!editing}
        po={editing?.po}
        onClose={() => setEditing(null)}
        onSaved={(po) => {
          setEditing(null);
          setOpen(po.id);
        }}
      />
      <ReceiveModal po={receiving} onClose={() => setReceiving(null)} />
    </PageContainer>
  );
}
