import { useMemo, useState } from 'react';
import { App, Button, DatePicker, Dropdown, Flex, Input, Popconfirm, Select, Space, Tabs, Tag, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { TASK_DUE_FILTERS, TASK_LINK_KINDS, TASK_STATUSES, type TaskDto, type TaskLinkKind, type TaskStatus } from '@yunying/core';
import { PageContainer } from '../../components/PageContainer';
import { PagedTable } from '../../components/PagedTable';
import { useAuth } from '../../components/AuthContext';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { useAssignees, useBatchTasks, useDeleteTask, useTasks, useUpdateTask } from './api';
import { linkPath } from './links';
import { TaskFormModal, type TaskPrefill } from './TaskFormModal';

const STATUS_COLOR: Record<TaskStatus, string> = { open: 'blue', doing: 'gold', done: 'green', cancelled: 'default' };

const linkKindOf = (v: string | undefined): TaskLinkKind | null =>
  v && (TASK_LINK_KINDS as readonly string[]).includes(v) ? (v as TaskLinkKind) : null;

export function TasksPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const { can } = useAuth();
  const { shops } = useShop();
  const url = useUrlState();
  const scope = (url.get('scope') as 'mine' | 'team' | 'created' | undefined) ?? 'mine';
  const status = url.get('status') ?? 'active';
  const query = {
    scope,
    page: url.page,
    pageSize: url.pageSize,
    ...(status !== 'all' ? { status: status as TaskStatus | 'active' } : {}),
    ...(url.get('assigneeId') ? { assigneeId: url.get('assigneeId')! } : {}),
    ...(url.get('due') ? { due: url.get('due') as (typeof TASK_DUE_FILTERS)[number] } : {}),
    ...(url.get('q') ? { q: url.get('q')! } : {}),
    // An object's tasks (from 相关任务 on its page); the same parameters with new=1 prefill the form instead.
    ...(!url.get('new') && linkKindOf(url.get('linkKind')) && url.get('linkId')
      ? { linkKind: linkKindOf(url.get('linkKind'))!, linkId: url.get('linkId')! }
      : {}),
  };
  const tasks = useTasks(query);
  const assignees = useAssignees();
  const batch = useBatchTasks();
  const update = useUpdateTask();
  const del = useDeleteTask();
  const [selected, setSelected] = useState<string[]>([]);
  const [assignTo, setAssignTo] = useState<string | null>(null);
  const writable = can('tasks.write');

  // /tasks?new=1&linkKind=order&linkId=…&linkLabel=… opens the form prefilled (a task from a link).
  const prefill = useMemo<TaskPrefill | null>(() => {
    if (!url.get('new')) return null;
    const kind = url.get('linkKind');
    return {
      ...(url.get('title') ? { title: url.get('title')! } : {}),
      ...(kind && (TASK_LINK_KINDS as readonly string[]).includes(kind) ? { linkKind: kind as TaskLinkKind } : {}),
      ...(url.get('linkId') ? { linkId: url.get('linkId')! } : {}),
      ...(url.get('linkLabel') ? { linkLabel: url.get('linkLabel')! } : {}),
      ...(url.get('shopId') ? { shopId: url.get('shopId')! } : {}),
    };
  }, [url]);
  const [creating, setCreating] = useState(false);
  const modalOpen = creating || prefill !== null;
  const closeModal = () => {
    setCreating(false);
    if (prefill) url.patch({ new: null, linkKind: null, linkId: null, linkLabel: null, title: null, shopId: null }, { replace: true });
  };

  const runBatch = (body: Parameters<typeof batch.mutate>[0]) =>
    batch.mutate(body, {
      onSuccess: (r) => {
        void message.success(t('team.tasks.batch.ok', { n: r.updated }));
        setSelected([]);
      },
      onError: (e) => onError(e),
    });

  const shopName = (id: string | null) => (id ? (shops.find((s) => s.id === id)?.name ?? '') : '');
  const columns: TableProps<TaskDto>['columns'] = [
    {
      title: t('team.tasks.cols.title'),
      key: 'title',
      render: (_, r) => (
        <div>
          <Typography.Text delete={r.status === 'cancelled'}>{r.title}</Typography.Text>
          {r.note ? (
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }} ellipsis>
              {r.note}
            </Typography.Text>
          ) : null}
        </div>
      ),
    },
    {
      title: t('team.tasks.cols.link'),
      key: 'link',
      width: 200,
      render: (_, r) => {
        if (!r.link) return null;
        const path = linkPath(r.link);
        const text = `${t(`team.tasks.linkKinds.${r.link.kind}`)}：${r.link.label || r.link.id}`;
        return path ? (
          <Link to={path} data-testid={`task-link-${r.id}`}>
            {text}
          </Link>
        ) : (
          text
        );
      },
    },
    { title: t('team.tasks.cols.shop'), key: 'shop', width: 130, render: (_, r) => shopName(r.shopId) },
    {
      title: t('team.tasks.cols.assignee'),
      key: 'assignee',
      width: 110,
      render: (_, r) => r.assigneeName ?? <Typography.Text type="secondary">{t('team.tasks.unassigned')}</Typography.Text>,
    },
    {
      title: t('team.tasks.cols.due'),
      key: 'due',
      width: 160,
      render: (_, r) => (
        <Space size={4}>
          <span style={{ whiteSpace: 'nowrap' }}>{r.dueOn ?? '—'}</span>
          {r.overdue ? <Tag color="red">{t('team.tasks.overdue')}</Tag> : null}
        </Space>
      ),
    },
    {
      title: t('team.tasks.cols.status'),
      key: 'status',
      width: 130,
      render: (_, r) =>
        writable ? (
          <Select<TaskStatus>
            size="small"
            value={r.status}
            style={{ width: 110 }}
            onChange={(v) => update.mutate({ id: r.id, status: v }, { onError: (e) => onError(e) })}
            options={TASK_STATUSES.map((s) => ({ value: s, label: t(`team.tasks.status.${s}`) }))}
            data-testid={`task-status-${r.id}`}
          />
        ) : (
          <Tag color={STATUS_COLOR[r.status]}>{t(`team.tasks.status.${r.status}`)}</Tag>
        ),
    },
    ...(writable
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 80,
            render: (_: unknown, r: TaskDto) => (
              <Popconfirm
                title={t('team.tasks.deleteConfirm', { title: r.title })}
                onConfirm={() =>
                  del.mutate(r.id, { onSuccess: () => void message.success(t('team.tasks.deleted')), onError: (e) => onError(e) })
                }
              >
                <Button type="link" size="small" danger>
                  {t('team.tasks.delete')}
                </Button>
              </Popconfirm>
            ),
          },
        ]
      : []),
  ];

  const assigneeOptions = (assignees.data ?? []).map((u) => ({ value: u.id, label: u.displayName }));

  return (
    <PageContainer
      title={t('team.tasks.title')}
      extra={
        writable ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="task-new">
            {t('team.tasks.new')}
          </Button>
        ) : null
      }
    >
      <Tabs
        activeKey={scope}
        onChange={(k) => url.patch({ scope: k === 'mine' ? null : k })}
        items={(['mine', 'team', 'created'] as const).map((k) => ({ key: k, label: t(`team.tasks.${k}`) }))}
      />
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <Select
          style={{ width: 130 }}
          value={status}
          onChange={(v) => url.patch({ status: v === 'active' ? null : v })}
          options={[
            { value: 'active', label: t('team.tasks.active') },
            { value: 'all', label: t('team.tasks.allStatus') },
            ...TASK_STATUSES.map((s) => ({ value: s, label: t(`team.tasks.status.${s}`) })),
          ]}
          data-testid="task-filter-status"
        />
        {scope !== 'mine' ? (
          <Select
            style={{ width: 150 }}
            allowClear
            placeholder={t('team.tasks.anyone')}
            value={url.get('assigneeId')}
            onChange={(v?: string) => url.patch({ assigneeId: v ?? null })}
            options={[{ value: 'none', label: t('team.tasks.unassigned') }, ...assigneeOptions]}
          />
        ) : null}
        <Select
          style={{ width: 150 }}
          allowClear
          placeholder={t('team.tasks.anyDue')}
          value={url.get('due')}
          onChange={(v?: string) => url.patch({ due: v ?? null })}
          options={TASK_DUE_FILTERS.map((d) => ({ value: d, label: t(`team.tasks.due.${d}`) }))}
        />
        <Input.Search
          style={{ width: 240 }}
          allowClear
          defaultValue={url.get('q')}
          placeholder={t('team.tasks.search')}
          onSearch={(v) => url.patch({ q: v.trim() || null })}
        />
        {query.linkKind ? (
          <Tag
            closable
            color="blue"
            style={{ alignSelf: 'center' }}
            onClose={() => url.patch({ linkKind: null, linkId: null, linkLabel: null })}
            data-testid="task-link-filter"
          >
            {t('team.tasks.linkFilter', {
              kind: t(`team.tasks.linkKinds.${query.linkKind}`),
              label: url.get('linkLabel') ?? query.linkId,
            })}
          </Tag>
        ) : null}
      </Flex>
      {writable && selected.length > 0 ? (
        <Flex gap={8} align="center" wrap style={{ marginBottom: 12 }} data-testid="task-batch-bar">
          <Typography.Text>{t('team.tasks.selected', { n: selected.length })}</Typography.Text>
          <Button size="small" onClick={() => runBatch({ ids: selected, action: 'status', status: 'done' })} data-testid="task-batch-done">
            {t('team.tasks.batch.done')}
          </Button>
          <Button size="small" onClick={() => runBatch({ ids: selected, action: 'status', status: 'doing' })}>
            {t('team.tasks.batch.doing')}
          </Button>
          <Button size="small" onClick={() => runBatch({ ids: selected, action: 'status', status: 'cancelled' })}>
            {t('team.tasks.batch.cancel')}
          </Button>
          <Dropdown
            trigger={['click']}
            menu={{
              items: [{ key: '', label: t('team.tasks.unassigned') }, ...assigneeOptions.map((o) => ({ key: o.value, label: o.label }))],
              onClick: ({ key }) => {
                setAssignTo(key);
                runBatch({ ids: selected, action: 'assign', assigneeId: key || null });
              },
            }}
          >
            <Button size="small" loading={batch.isPending && assignTo !== null}>
              {t('team.tasks.batch.assign')}
            </Button>
          </Dropdown>
          <DatePicker
            size="small"
            placeholder={t('team.tasks.batch.due')}
            onChange={(d) => d && runBatch({ ids: selected, action: 'due', dueOn: d.format('YYYY-MM-DD') })}
          />
        </Flex>
      ) : null}
      <PagedTable<TaskDto>
        rowKey="id"
        query={tasks}
        url={url}
        columns={columns}
        emptyText={t('team.tasks.empty')}
        data-testid="tasks-table"
        {...(writable ? { rowSelection: { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) } } : {})}
      />
      <TaskFormModal open={modalOpen} prefill={prefill} onClose={closeModal} />
    </PageContainer>
  );
}
