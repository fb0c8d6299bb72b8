import { useState } from 'react';
import { App, Badge, Button, Empty, Popconfirm, Space, Table, Tag, type TableProps } from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Shop } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatDateTime } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { useDeleteDemo, useShops, useUpdateShop } from './api';
import { ShopFormModal } from './ShopFormModal';

export function ShopsPage() {
  const { t, i18n } = useTranslation();
  const labels = useLabels();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const canWrite = can('shops.write');
  const shops = useShops();
  const update = useUpdateShop();
  const deleteDemo = useDeleteDemo();
  const [formShop, setFormShop] = useState<Shop | 'new' | null>(null);

  const setStatus = (s: Shop, status: Shop['status']) =>
    update.mutate(
      { id: s.id, body: { status } },
      {
        onSuccess: () => void message.success(status === 'archived' ? t('shops.archivedDone') : t('shops.restoredDone')),
        onError: (e) => onError(e),
      },
    );

  const columns: TableProps<Shop>['columns'] = [
    {
      title: t('shops.name'),
      dataIndex: 'name',
      key: 'name',
      render: (name: string, s: Shop) => (
        <Space size={6}>
          {name}
          {s.isDemo ? <Tag color="gold">{t('shops.demoTag')}</Tag> : null}
        </Space>
      ),
    },
    {
      title: t('shops.channel'),
      dataIndex: 'channel',
      key: 'channel',
      width: 140,
      render: (c: string) => <Tag color="blue">{labels.channel(c)}</Tag>,
    },
    {
      title: t('shops.timezone'),
      dataIndex: 'timezone',
      key: 'timezone',
      width: 200,
      render: (tz: string) => (i18n.exists(`shops.timezones.${tz}`) ? `${t(`shops.timezones.${tz}`)} · ${tz}` : tz),
    },
    {
      title: t('common.status'),
      dataIndex: 'status',
      key: 'status',
      width: 110,
      render: (s: Shop['status']) => <Badge status={s === 'active' ? 'success' : 'default'} text={t(`status.${s}`)} />,
    },
    {
      title: t('common.createdAt'),
      dataIndex: 'createdAt',
      key: 'createdAt',
      width: 180,
      render: (v: number) => formatDateTime(v),
    },
  ];
  if (canWrite) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 150,
      render: (_, s) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => setFormShop(s)} data-testid={`shop-edit-${s.id}`}>
            {t('common.edit')}
          </Button>
          <Popconfirm
            title={s.status === 'active' ? t('shops.confirmArchive') : t('shops.confirmRestore')}
            okText={t('common.ok')}
            cancelText={t('common.cancel')}
            onConfirm={() => setStatus(s, s.status === 'active' ? 'archived' : 'active')}
          >
            <Button type="link" size="small" danger={s.status === 'active'} data-testid={`shop-archive-${s.id}`}>
              {s.status === 'active' ? t('shops.archive') : t('shops.restore')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    });
  }

  return (
    <PageContainer
      title={t('shops.title')}
      extra={
        <>
          <Button icon={<ReloadOutlined />} onClick={() => void shops.refetch()} aria-label={t('common.refresh')} />
          {canWrite && (shops.data ?? []).some((s) => s.isDemo) ? (
            <Popconfirm
              title={t('shops.deleteDemoConfirm')}
              okText={t('common.delete')}
              okButtonProps={{ danger: true }}
              onConfirm={() =>
                deleteDemo.mutate(undefined, {
                  onSuccess: () => void message.success(t('shops.demoDeleted')),
                  onError: (e) => onError(e),
                })
              }
            >
              <Button danger loading={deleteDemo.isPending} data-testid="demo-delete">
                {t('shops.deleteDemo')}
              </Button>
            </Popconfirm>
          ) : null}
          {canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setFormShop('new')} data-testid="shop-create">
              {t('shops.create')}
            </Button>
          ) : null}
        </>
      }
    >
      {shops.isError && !shops.data ? (
        <QueryError error={shops.error} onRetry={() => void shops.refetch()} />
      ) : (
        <Table<Shop>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={shops.data ?? []}
          loading={shops.isFetching}
          locale={{ emptyText: <Empty description={t('shops.empty')} /> }}
          pagination={{ hideOnSinglePage: true, pageSize: 50, showTotal: (total) => t('common.total', { count: total }) }}
          data-testid="shops-table"
        />
      )}
      {canWrite ? (
        <ShopFormModal
          open={formShop !== null}
          shop={formShop === 'new' || formShop === null ? undefined : formShop}
          onClose={() => setFormShop(null)}
        />
      ) : null}
    </PageContainer>
  );
}
