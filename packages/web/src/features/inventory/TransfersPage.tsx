import { useState } from 'react';
import { App, Button, Form, Input, InputNumber, Modal, Space, Typography, type TableProps } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Transfer } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatDateTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { PagedTable } from '../../components/PagedTable';
import { useApiError } from '../../components/useApiError';
import { useCreateTransfer, useTransfers } from './api';
import { SkuPicker, WarehouseSelect } from './pickers';
import { useUrlState } from '../../components/useUrlState';

interface TransferForm {
  fromWarehouseId: string;
  toWarehouseId: string;
  lines: { skuId: string; qty: number }[];
  note?: string;
}

function CreateTransferModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<TransferForm>();
  const create = useCreateTransfer();
  return (
    <Modal
      open={open}
      title={t('inventory.newTransfer')}
      width={720}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      okButtonProps={{ 'data-testid': 'transfer-submit' }}
      destroyOnHidden
    >
      <Form<TransferForm>
        form={form}
        layout="vertical"
        initialValues={{ lines: [{}] }}
        onFinish={(v) =>
          create.mutate(
            { fromWarehouseId: v.fromWarehouseId, toWarehouseId: v.toWarehouseId, lines: v.lines, note: v.note?.trim() ?? '' },
            {
              onSuccess: (tr) => {
                void message.success(t('inventory.transferCreated', { code: tr.code }));
                onClose();
              },
              onError: (e) => {
                onError(e, form);
              },
            },
          )
        }
      >
        <Space style={{ width: '100%' }} align="start">
          <Form.Item name="fromWarehouseId" label={t('inventory.from')} rules={[{ required: true, message: t('common.required') }]}>
            <WarehouseSelect activeOnly style={{ width: 200 }} data-testid="transfer-from" />
          </Form.Item>
          <Form.Item name="toWarehouseId" label={t('inventory.to')} rules={[{ required: true, message: t('common.required') }]}>
            <WarehouseSelect activeOnly style={{ width: 200 }} data-testid="transfer-to" />
          </Form.Item>
        </Space>
        <Form.List name="lines">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="start" style={{ display: 'flex' }}>
                  <Form.Item name={[f.name, 'skuId']} rules={[{ required: true, message: t('common.required') }]} style={{ width: 440 }}>
                    <SkuPicker data-testid={`transfer-sku-${f.name}`} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'qty']} rules={[{ required: true, message: t('common.required') }]}>
                    <InputNumber min={1} precision={0} placeholder={t('inventory.qty')} data-testid={`transfer-qty-${f.name}`} />
                  </Form.Item>
                  {fields.length > 1 ? (
                    <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('common.delete')} />
                  ) : null}
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})} block style={{ marginBottom: 16 }}>
                {t('inventory.addLine')}
              </Button>
            </>
          )}
        </Form.List>
        <Form.Item name="note" label={t('inventory.note')}>
          <Input name="note" maxLength={400} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function TransfersPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const url = useUrlState();
  const [creating, setCreating] = useState(false);
  const list = useTransfers({ warehouseId: url.get('warehouseId'), page: url.page, pageSize: url.pageSize });
  const columns: TableProps<Transfer>['columns'] = [
    { title: t('inventory.transferCode'), dataIndex: 'code', width: 160 },
    { title: t('inventory.from'), dataIndex: 'fromWarehouseName', width: 120 },
    { title: t('inventory.to'), dataIndex: 'toWarehouseName', width: 120 },
    {
      title: t('inventory.items'),
      key: 'lines',
      render: (_, tr) => (
        <Space orientation="vertical" size={0}>
          {tr.lines.map((l) => (
            <Typography.Text key={l.skuId}>
              {l.skuCode} × {l.qty}
            </Typography.Text>
          ))}
        </Space>
      ),
    },
    { title: t('inventory.note'), dataIndex: 'note', ellipsis: true },
    { title: t('common.createdAt'), dataIndex: 'createdAt', width: 170, render: (v: number) => formatDateTime(v) },
  ];
  return (
    <PageContainer
      title={t('inventory.transfersTitle')}
      extra={
        can('inventory.write') ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="transfer-create">
            {t('inventory.newTransfer')}
          </Button>
        ) : null
      }
    >
      <Space style={{ marginBottom: 16 }}>
        <WarehouseSelect
          allowClear
          placeholder={t('inventory.allWarehouses')}
          style={{ width: 180 }}
          value={url.get('warehouseId')}
          onChange={(v) => url.setFilters({ warehouseId: v })}
        />
      </Space>
      <PagedTable<Transfer>
        query={list}
        url={url}
        emptyText={t('inventory.transfersEmpty')}
        sizeChanger={false}
        rowKey="id"
        columns={columns}
        data-testid="transfers-table"
      />
      <CreateTransferModal open={creating} onClose={() => setCreating(false)} />
    </PageContainer>
  );
}
