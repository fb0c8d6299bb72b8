import { useState } from 'react';
import { App, Button, Form, Input, Modal, Progress, Select, Space, Tag, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { Stocktake } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatDateTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { PagedTable } from '../../components/PagedTable';
import { useApiError } from '../../components/useApiError';
import { useStocktakeActions, useStocktakes } from './api';
import { SkuPicker, WarehouseSelect } from './pickers';
import { useUrlState } from '../../components/useUrlState';

export const STOCKTAKE_COLORS: Record<string, string> = { counting: 'processing', applied: 'success', cancelled: 'default' };

function CreateStocktakeModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ warehouseId: string; skuIds?: string[]; note?: string }>();
  const { create } = useStocktakeActions();
  return (
    <Modal
      open={open}
      title={t('inventory.newStocktake')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      okButtonProps={{ 'data-testid': 'stocktake-create-submit' }}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) =>
          create.mutate(
            { warehouseId: v.warehouseId, ...(v.skuIds?.length ? { skuIds: v.skuIds } : {}), note: v.note?.trim() ?? '' },
            {
              onSuccess: (st) => {
                void message.success(t('inventory.stocktakeCreated', { code: st.code }));
                onClose();
                void navigate(`/inventory/stocktakes/${st.id}`);
              },
              onError: (e) => onError(e, form),
            },
          )
        }
      >
        <Form.Item name="warehouseId" label={t('inventory.warehouse')} rules={[{ required: true, message: t('common.required') }]}>
          <WarehouseSelect activeOnly data-testid="stocktake-warehouse" />
        </Form.Item>
        <Form.Item name="skuIds" label={t('inventory.stocktakeSkus')} extra={t('inventory.stocktakeSkusTip')}>
          <SkuPicker multiple />
        </Form.Item>
        <Form.Item name="note" label={t('inventory.note')}>
          <Input name="note" maxLength={400} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function StocktakesPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const url = useUrlState();
  const [creating, setCreating] = useState(false);
  const status = url.get('status');
  const list = useStocktakes({ status, warehouseId: url.get('warehouseId'), page: url.page, pageSize: url.pageSize });
  const columns: TableProps<Stocktake>['columns'] = [
    {
      title: t('inventory.stocktakeCode'),
      dataIndex: 'code',
      render: (c: string, s) => <Link to={`/inventory/stocktakes/${s.id}`}>{c}</Link>,
    },
    { title: t('inventory.warehouse'), dataIndex: 'warehouseName' },
    {
      title: t('common.status'),
      dataIndex: 'status',
      render: (v: string) => <Tag color={STOCKTAKE_COLORS[v]}>{t(`inventory.stocktakeStatus.${v}`)}</Tag>,
    },
    {
      title: t('inventory.progress'),
      key: 'progress',
      width: 200,
      render: (_, s) => (
        <Progress
          size="small"
          percent={s.lineCount ? Math.round((s.countedCount / s.lineCount) * 100) : 0}
          format={() => `${s.countedCount}/${s.lineCount}`}
        />
      ),
    },
    { title: t('inventory.note'), dataIndex: 'note', ellipsis: true },
    { title: t('common.createdAt'), dataIndex: 'createdAt', width: 170, render: (v: number) => formatDateTime(v) },
  ];
  return (
    <PageContainer
      title={t('inventory.stocktakesTitle')}
      extra={
        can('inventory.write') ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="stocktake-create">
            {t('inventory.newStocktake')}
          </Button>
        ) : null
      }
    >
      <Space style={{ marginBottom: 16 }} wrap>
        <Select
          allowClear
          placeholder={t('common.status')}
          style={{ width: 140 }}
          value={status}
          onChange={(v?: string) => url.setFilters({ status: v, warehouseId: url.get('warehouseId') })}
          options={['counting', 'applied', 'cancelled'].map((s) => ({ value: s, label: t(`inventory.stocktakeStatus.${s}`) }))}
        />
        <WarehouseSelect
          allowClear
          placeholder={t('inventory.allWarehouses')}
          style={{ width: 160 }}
          value={url.get('warehouseId')}
          onChange={(v) => url.setFilters({ status, warehouseId: v })}
        />
      </Space>
      <PagedTable<Stocktake>
        query={list}
        url={url}
        emptyText={t('inventory.stocktakesEmpty')}
        sizeChanger={false}
        rowKey="id"
        columns={columns}
        data-testid="stocktakes-table"
      />
      <CreateStocktakeModal open={creating} onClose={() => setCreating(false)} />
    </PageContainer>
  );
}
