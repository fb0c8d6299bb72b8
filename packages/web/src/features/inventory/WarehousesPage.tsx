import { useState } from 'react';
import { App, Button, Checkbox, Empty, Form, Input, Space, Table, Tag, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Warehouse } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatDateTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { useSaveWarehouse, useWarehouses } from './api';
import { SaveModal } from '../../components/SaveModal';

interface WhForm {
  code: string;
  name: string;
  address?: string;
  isDefault?: boolean;
}

function WarehouseModal({ open, wh, onClose }: { open: boolean; wh?: Warehouse | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<WhForm>();
  const save = useSaveWarehouse();
  return (
    <SaveModal
      form={form}
      open={open}
      title={wh ? t('inventory.editWarehouse') : t('inventory.newWarehouse')}
      onClose={onClose}
      saving={save.isPending}
      submitTestId="warehouse-submit"
    >
      <Form<WhForm>
        form={form}
        layout="vertical"
        initialValues={wh ? { code: wh.code, name: wh.name, address: wh.address, isDefault: wh.isDefault } : { isDefault: false }}
        onFinish={(v) => {
          const body: Record<string, unknown> = { code: v.code.trim(), name: v.name.trim(), address: v.address?.trim() ?? '' };
          if (v.isDefault && !wh?.isDefault) body.isDefault = true;
          save.mutate(
            { id: wh?.id, body },
            {
              onSuccess: () => {
                void message.success(t('inventory.warehouseSaved'));
                onClose();
              },
              onError: (e) => onError(e, form),
            },
          );
        }}
      >
        <Form.Item name="code" label={t('inventory.code')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input name="code" maxLength={40} data-testid="warehouse-code" />
        </Form.Item>
        <Form.Item name="name" label={t('inventory.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input name="name" maxLength={60} data-testid="warehouse-name" />
        </Form.Item>
        <Form.Item name="address" label={t('inventory.address')}>
          <Input name="address" maxLength={200} />
        </Form.Item>
        <Form.Item name="isDefault" valuePropName="checked">
          <Checkbox disabled={wh?.isDefault}>{t('inventory.isDefault')}</Checkbox>
        </Form.Item>
      </Form>
    </SaveModal>
  );
}

export function WarehousesPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const canWrite = can('inventory.write');
  const list = useWarehouses();
  const save = useSaveWarehouse();
  const [editing, setEditing] = useState<{ wh?: Warehouse } | null>(null);
  const patch = (wh: Warehouse, body: Record<string, unknown>) =>
    save.mutate({ id: wh.id, body }, { onSuccess: () => void message.success(t('inventory.warehouseSaved')), onError: (e) => onError(e) });
  const columns: TableProps<Warehouse>['columns'] = [
    { title: t('inventory.code'), dataIndex: 'code', width: 120 },
    {
      title: t('inventory.name'),
      dataIndex: 'name',
      render: (n: string, w) => (
        <Space>
          {n}
          {w.isDefault ? <Tag color="blue">{t('inventory.isDefault')}</Tag> : null}
        </Space>
      ),
    },
    { title: t('inventory.address'), dataIndex: 'address', ellipsis: true },
    {
      title: t('common.status'),
      dataIndex: 'status',
      width: 100,
      render: (s: string) => <Tag color={s === 'active' ? 'green' : 'default'}>{t(`inventory.status.${s}`)}</Tag>,
    },
    { title: t('common.createdAt'), dataIndex: 'createdAt', width: 170, render: (v: number) => formatDateTime(v) },
    ...(canWrite
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 220,
            render: (_: unknown, w: Warehouse) => (
              <Space size={4}>
                <Button size="small" type="link" onClick={() => setEditing({ wh: w })} data-testid={`warehouse-edit-${w.code}`}>
                  {t('common.edit')}
                </Button>
                {!w.isDefault && w.status === 'active' ? (
                  <Button size="small" type="link" onClick={() => patch(w, { isDefault: true })}>
                    {t('inventory.setDefault')}
                  </Button>
                ) : null}
                {!w.isDefault ? (
                  <Button
                    size="small"
                    type="link"
                    danger={w.status === 'active'}
                    onClick={() => patch(w, { status: w.status === 'active' ? 'disabled' : 'active' })}
                  >
                    {w.status === 'active' ? t('inventory.disable') : t('inventory.enable')}
                  </Button>
                ) : null}
              </Space>
            ),
          },
        ]
      : []),
  ];
  return (
    <PageContainer
      title={t('inventory.warehousesTitle')}
      extra={
        canWrite ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})} data-testid="warehouse-create">
            {t('inventory.newWarehouse')}
          </Button>
        ) : null
      }
    >
      {list.isError && !list.data ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<Warehouse>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={list.data ?? []}
          loading={list.isFetching}
          pagination={false}
          locale={{ emptyText: <Empty /> }}
          data-testid="warehouses-table"
        />
      )}
      <WarehouseModal open={!!editing} wh={editing?.wh} onClose={() => setEditing(null)} />
    </PageContainer>
  );
}
