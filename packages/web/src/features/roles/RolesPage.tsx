import { useState } from 'react';
import { Alert, App, Button, Card, Empty, Popconfirm, Space, Table, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ALL_PERMISSIONS, type Role } from '@yunying/core';
import { errorDetail } from '../../api/client';
import { useAuth } from '../../components/AuthContext';
import { formatCount } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { Loading, QueryError } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { useDeleteRole, useRoles, useSaveRolePermissions } from './api';
import { OWNER_CODE, PermissionMatrix } from './PermissionMatrix';
import { RoleFormModal } from './RoleFormModal';

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

/** Permissions in catalogue order, so saved lists are stable and readable in the audit log. */
function ordered(perms: Iterable<string>): string[] {
  const set = new Set(perms);
  return ALL_PERMISSIONS.filter((p) => set.has(p));
}

export function RolesPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const canWrite = can('roles.write');
  const roles = useRoles();
  const save = useSaveRolePermissions();
  const del = useDeleteRole();
  const [drafts, setDrafts] = useState<Record<string, string[]>>({});
  const [formRole, setFormRole] = useState<Role | 'new' | null>(null);

  // The owner column comes first: it is the reference every other role is a subset of.
  const list = [...(roles.data ?? [])].sort((a, b) => Number(b.code === OWNER_CODE) - Number(a.code === OWNER_CODE));
  const value = (r: Role) => drafts[r.id] ?? r.permissions;
  const isDirty = (r: Role) => drafts[r.id] !== undefined && !sameSet(drafts[r.id]!, r.permissions);
  const dirtyRoles = list.filter(isDirty);

  const onMatrixChange = (role: Role, permissions: string[]) => {
    setDrafts((d) => {
      const next = { ...d };
      if (sameSet(permissions, role.permissions)) delete next[role.id];
      else next[role.id] = permissions;
      return next;
    });
  };

  const onSave = () => {
    save.mutate(
      dirtyRoles.map((r) => ({ id: r.id, permissions: ordered(value(r)) })),
      {
        onSuccess: (results) => {
          const failed = results.filter((x) => x.result.status === 'rejected');
          setDrafts((d) => {
            const next = { ...d };
            for (const x of results) if (x.result.status === 'fulfilled') delete next[x.id];
            return next;
          });
          if (failed.length === 0) {
            void message.success(t('roles.matrixSaved'));
          } else {
            const detail = failed
              .map((x) => {
                const role = list.find((r) => r.id === x.id);
                const reason = x.result.status === 'rejected' ? errorDetail(x.result.reason) : '';
                return `${role ? labels.role(role) : x.id}: ${reason}`;
              })
              .join('; ');
            void message.error(t('errors.partialSave', { detail }));
          }
        },
        onError: (e) => onError(e),
      },
    );
  };

  const onDelete = (r: Role) =>
    del.mutate(r.id, {
      onSuccess: () => {
        void message.success(t('roles.deleted'));
        setDrafts((d) => {
          const next = { ...d };
          delete next[r.id];
          return next;
        });
      },
      onError: (e) => onError(e),
    });

  const columns: TableProps<Role>['columns'] = [
    {
      title: t('roles.name'),
      key: 'name',
      width: 180,
      render: (_, r) => <Typography.Text strong>{labels.role(r)}</Typography.Text>,
    },
    { title: t('roles.description'), dataIndex: 'description', key: 'description', ellipsis: true },
    {
      title: t('roles.kind'),
      key: 'builtin',
      width: 110,
      render: (_, r) => (r.builtin ? <Tag color="purple">{t('roles.builtin')}</Tag> : <Tag>{t('roles.custom')}</Tag>),
    },
    {
      title: t('roles.userCount'),
      dataIndex: 'userCount',
      key: 'userCount',
      width: 100,
      align: 'right',
      render: (n: number) => formatCount(n),
    },
  ];
  if (canWrite) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 160,
      render: (_, r) => {
        const blocked = r.builtin ? t('roles.cannotDeleteBuiltin') : r.userCount > 0 ? t('roles.cannotDeleteAssigned') : null;
        return (
          <Space size={0}>
            <Button type="link" size="small" onClick={() => setFormRole(r)} data-testid={`role-edit-${r.code ?? r.id}`}>
              {t('common.edit')}
            </Button>
            {blocked ? (
              <Tooltip title={blocked}>
                <Button type="link" size="small" danger disabled>
                  {t('common.delete')}
                </Button>
              </Tooltip>
            ) : (
              <Popconfirm
                title={t('common.confirmDelete')}
                okText={t('common.ok')}
                cancelText={t('common.cancel')}
                okButtonProps={{ danger: true }}
                onConfirm={() => onDelete(r)}
              >
                <Button type="link" size="small" danger data-testid={`role-delete-${r.id}`}>
                  {t('common.delete')}
                </Button>
              </Popconfirm>
            )}
          </Space>
        );
      },
    });
  }

  let body;
  if (roles.isPending) body = <Loading />;
  else if (roles.isError) body = <QueryError error={roles.error} onRetry={() => void roles.refetch()} />;
  else if (list.length === 0) body = <Empty description={t('roles.empty')} />;
  else
    body = (
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Card>
          <Table<Role>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={list}
            pagination={false}
            loading={roles.isFetching && !roles.isPending}
            data-testid="roles-table"
          />
        </Card>
        <Card
          title={t('roles.matrix')}
          extra={
            canWrite ? (
              <Space>
                <Typography.Text type={dirtyRoles.length > 0 ? 'warning' : 'secondary'}>
                  {dirtyRoles.length > 0 ? t('roles.unsaved', { count: dirtyRoles.length }) : t('roles.noChanges')}
                </Typography.Text>
                <Button disabled={dirtyRoles.length === 0 || save.isPending} onClick={() => setDrafts({})} data-testid="roles-discard">
                  {t('common.discard')}
                </Button>
                <Button
                  type="primary"
                  disabled={dirtyRoles.length === 0}
                  loading={save.isPending}
                  onClick={onSave}
                  data-testid="roles-save"
                >
                  {t('roles.saveMatrix')}
                </Button>
              </Space>
            ) : null
          }
        >
          <Alert type="info" showIcon title={t('roles.matrixHint')} style={{ marginBottom: 12 }} />
          <PermissionMatrix roles={list} value={value} dirty={isDirty} editable={canWrite && !save.isPending} onChange={onMatrixChange} />
        </Card>
      </Space>
    );

  return (
    <PageContainer
      title={t('roles.title')}
      bare
      extra={
        canWrite ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setFormRole('new')} data-testid="role-create">
            {t('roles.create')}
          </Button>
        ) : null
      }
    >
      {body}
      {canWrite ? (
        <RoleFormModal
          open={formRole !== null}
          role={formRole === 'new' || formRole === null ? undefined : formRole}
          roles={list}
          onClose={() => setFormRole(null)}
        />
      ) : null}
    </PageContainer>
  );
}
