import { useState } from 'react';
import { App, Badge, Button, Empty, Flex, Input, Popconfirm, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { User } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatDateTime } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { useRoles } from '../roles/api';
import { useShopIndex } from '../shops/api';
import { useUpdateUser, useUsers } from './api';
import { ResetPasswordModal } from './ResetPasswordModal';
import { UserFormModal } from './UserFormModal';

export function UsersPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { me, can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const url = useUrlState();
  const q = url.get('q') ?? '';
  const { page, pageSize } = url;
  const canWrite = can('users.write');

  const users = useUsers({ ...(q ? { q } : {}), page, pageSize });
  const roles = useRoles(canWrite && can('roles.read'));
  const shopIndex = useShopIndex(me.shops, can('shops.read'));
  const update = useUpdateUser();

  const [formUser, setFormUser] = useState<User | 'new' | null>(null);
  const [resetUser, setResetUser] = useState<User | null>(null);

  const toggleStatus = (u: User) => {
    const status = u.status === 'active' ? 'disabled' : 'active';
    update.mutate(
      { id: u.id, body: { status } },
      {
        onSuccess: () => void message.success(status === 'active' ? t('users.enabled') : t('users.disabledDone')),
        onError: (e) => onError(e),
      },
    );
  };

  const columns: TableProps<User>['columns'] = [
    { title: t('users.username'), dataIndex: 'username', key: 'username', width: 140 },
    { title: t('users.displayName'), dataIndex: 'displayName', key: 'displayName', width: 120 },
    { title: t('users.phone'), dataIndex: 'phone', key: 'phone', width: 140, render: (v: string | null) => v ?? '—' },
    { title: t('users.email'), dataIndex: 'email', key: 'email', ellipsis: true, render: (v: string | null) => v ?? '—' },
    {
      title: t('users.roles'),
      key: 'roles',
      render: (_, u) => (
        <Flex wrap gap={4}>
          {u.roles.map((r) => (
            <Tag key={r.id} color="blue" style={{ marginInlineEnd: 0 }}>
              {labels.role(r)}
            </Tag>
          ))}
        </Flex>
      ),
    },
    {
      title: t('users.shops'),
      key: 'shops',
      render: (_, u) =>
        u.allShops ? (
          <Tag color="gold">{t('common.allShops')}</Tag>
        ) : u.shopIds.length === 0 ? (
          <Typography.Text type="secondary">{t('common.none')}</Typography.Text>
        ) : (
          <Flex wrap gap={4}>
            {u.shopIds.map((id) => (
              <Tag key={id} style={{ marginInlineEnd: 0 }}>
                {shopIndex.get(id)?.name ?? id}
              </Tag>
            ))}
          </Flex>
        ),
    },
    {
      title: t('common.status'),
      dataIndex: 'status',
      key: 'status',
      width: 100,
      render: (s: User['status']) => <Badge status={s === 'active' ? 'success' : 'default'} text={t(`status.${s}`)} />,
    },
    {
      title: t('users.lastLogin'),
      dataIndex: 'lastLoginAt',
      key: 'lastLoginAt',
      width: 170,
      render: (v: number | null) => formatDateTime(v, t('common.never')),
    },
  ];
  if (canWrite) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 210,
      fixed: 'right',
      render: (_, u) => (
        <Space size={0} wrap>
          <Button type="link" size="small" onClick={() => setFormUser(u)} data-testid={`user-edit-${u.username}`}>
            {t('common.edit')}
          </Button>
          <Popconfirm
            title={u.status === 'active' ? t('users.confirmDisable') : t('users.confirmEnable')}
            okText={t('common.ok')}
            cancelText={t('common.cancel')}
            onConfirm={() => toggleStatus(u)}
          >
            <Button
              type="link"
              size="small"
              danger={u.status === 'active'}
              disabled={u.id === me.user.id && u.status === 'active'}
              data-testid={`user-toggle-${u.username}`}
            >
              {u.status === 'active' ? t('users.disable') : t('users.enable')}
            </Button>
          </Popconfirm>
          <Button type="link" size="small" onClick={() => setResetUser(u)} data-testid={`user-reset-${u.username}`}>
            {t('users.resetPassword')}
          </Button>
        </Space>
      ),
    });
  }

  return (
    <PageContainer
      title={t('users.title')}
      extra={
        <>
          <Input.Search
            id="q"
            name="q"
            key={q}
            defaultValue={q}
            allowClear
            placeholder={t('users.searchPlaceholder')}
            onSearch={(v) => url.patch({ q: v.trim() }, { replace: true })}
            style={{ width: 300 }}
            data-testid="user-search"
          />
          <Button icon={<ReloadOutlined />} onClick={() => void users.refetch()} aria-label={t('common.refresh')} />
          {canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setFormUser('new')} data-testid="user-create">
              {t('users.create')}
            </Button>
          ) : null}
        </>
      }
    >
      {users.isError && !users.data ? (
        <QueryError error={users.error} onRetry={() => void users.refetch()} />
      ) : (
        <Table<User>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={users.data?.items ?? []}
          loading={users.isFetching}
          scroll={{ x: 1100 }}
          locale={{ emptyText: <Empty description={q ? t('users.noMatch') : t('users.empty')} /> }}
          pagination={{
            current: page,
            pageSize,
            total: users.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [10, 20, 50, 100],
            showTotal: (total) => t('common.total', { count: total }),
            onChange: url.setPage,
          }}
          data-testid="users-table"
        />
      )}
      {canWrite ? (
        <>
          <UserFormModal
            open={formUser !== null}
            user={formUser === 'new' || formUser === null ? undefined : formUser}
            roles={roles.data ?? []}
            rolesLoading={roles.isLoading}
            shops={[...shopIndex.values()]}
            onClose={() => setFormUser(null)}
          />
          <ResetPasswordModal user={resetUser} onClose={() => setResetUser(null)} />
        </>
      ) : null}
    </PageContainer>
  );
}
