import { useState } from 'react';
import { App, Button, Form, Input, Popconfirm, Space, type TableProps } from 'antd';
import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Supplier } from '@yunying/core';
import { PageContainer } from '../../components/PageContainer';
import { PagedTable } from '../../components/PagedTable';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { useSupplierActions, useSuppliers } from './api';
import { SaveModal } from '../../components/SaveModal';

type SupplierForm = Omit<Supplier, 'id' | 'createdAt'>;

function SupplierModal({ open, supplier, onClose }: { open: boolean; supplier?: Supplier | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<SupplierForm>();
  const { save } = useSupplierActions();
  return (
    <SaveModal
      form={form}
      open={open}
      title={supplier ? t('purchasing.editSupplier') : t('purchasing.newSupplier')}
      onClose={onClose}
      saving={save.isPending}
      submitTestId="supplier-submit"
    >
      <Form<SupplierForm>
        form={form}
        layout="vertical"
        initialValues={supplier ?? {}}
        onFinish={(v) =>
          save.mutate(
            {
              id: supplier?.id,
              body: {
                name: v.name.trim(),
                contact: v.contact?.trim() ?? '',
                phone: v.phone?.trim() ?? '',
                address: v.address?.trim() ?? '',
                note: v.note?.trim() ?? '',
              },
            },
            {
              onSuccess: () => {
                void message.success(t('purchasing.supplierSaved'));
                onClose();
              },
              onError: (e) => onError(e, form),
            },
          )
        }
      >
        <Form.Item name="name" label={t('purchasing.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input name="name" maxLength={100} data-testid="supplier-name" />
        </Form.Item>
        <Form.Item name="contact" label={t('purchasing.contact')}>
          <Input name="contact" maxLength={60} />
        </Form.Item>
        <Form.Item name="phone" label={t('purchasing.phone')}>
          <Input name="phone" maxLength={30} />
        </Form.Item>
        <Form.Item name="address" label={t('purchasing.address')}>
          <Input name="address" maxLength={200} />
        </Form.Item>
        <Form.Item name="note" label={t('purchasing.note')}>
          <Input.TextArea maxLength={400} rows={2} />
        </Form.Item>
      </Form>
    </SaveModal>
  );
}

export function SuppliersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const url = useUrlState();
  const list = useSuppliers({ q: url.get('q'), page: url.page, pageSize: url.pageSize });
  const { remove } = useSupplierActions();
  const [editing, setEditing] = useState<{ supplier?: Supplier } | null>(null);
  const [q, setQ] = useState(url.get('q') ?? '');
  const columns: TableProps<Supplier>['columns'] = [
    { title: t('purchasing.name'), dataIndex: 'name' },
    { title: t('purchasing.contact'), dataIndex: 'contact', width: 120 },
    { title: t('purchasing.phone'), dataIndex: 'phone', width: 150 },
    { title: t('purchasing.address'), dataIndex: 'address', ellipsis: true },
    { title: t('purchasing.note'), dataIndex: 'note', ellipsis: true },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 140,
      render: (_, s) => (
        <Space size={4}>
          <Button size="small" type="link" onClick={() => setEditing({ supplier: s })}>
            {t('common.edit')}
          </Button>
          <Popconfirm
            title={t('purchasing.deleteConfirm', { name: s.name })}
            okText={t('common.ok')}
            cancelText={t('common.cancel')}
            onConfirm={() => remove.mutateAsync(s.id).then(() => void message.success(t('purchasing.supplierDeleted')), onError)}
          >
            <Button size="small" type="link" danger>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];
  return (
    <PageContainer
      title={t('purchasing.suppliersTitle')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})} data-testid="supplier-create">
          {t('purchasing.newSupplier')}
        </Button>
      }
    >
      <Space style={{ marginBottom: 16 }}>
        <Input
          allowClear
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onPressEnter={() => url.setFilters({ q: q.trim() })}
          placeholder={t('purchasing.supplierSearch')}
          style={{ width: 240 }}
        />
        <Button icon={<SearchOutlined />} onClick={() => url.setFilters({ q: q.trim() })}>
          {t('common.search')}
        </Button>
      </Space>
      <PagedTable<Supplier>
        query={list}
        url={url}
        emptyText={t('purchasing.suppliersEmpty')}
        sizeChanger={false}
        rowKey="id"
        columns={columns}
        data-testid="suppliers-table"
      />
      <SupplierModal open={!!editing} supplier={editing?.supplier} onClose={() => setEditing(null)} />
    </PageContainer>
  );
}
