import { useState } from 'react';
import {
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Flex,
  Form,
  Input,
  List,
  Modal,
  Progress,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { EditOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { CHECKLIST_ROLES, type ChecklistItemDto, type ChecklistRole } from '@yunying/core';
import { PageContainer } from '../../components/PageContainer';
import { Loading, QueryError } from '../../components/QueryState';
import { useAuth } from '../../components/AuthContext';
import { useApiError } from '../../components/useApiError';
import { DigestCard } from './DigestCard';
import { useChecklistDay, useChecklistHistory, useChecklistItems, useCreateChecklistItem, useTick, useUpdateChecklistItem } from './api';

export function ChecklistPage() {
  const { t } = useTranslation();
  const onError = useApiError();
  const { can } = useAuth();
  const [day, setDay] = useState<string | undefined>(undefined);
  const today = useChecklistDay(day);
  const tick = useTick();
  const [editing, setEditing] = useState(false);
  const to = today.data?.day ?? dayjs().format('YYYY-MM-DD');
  const history = useChecklistHistory(dayjs(to).subtract(13, 'day').format('YYYY-MM-DD'), to);

  if (today.isLoading) return <Loading />;
  if (today.isError || !today.data) return <QueryError error={today.error} onRetry={() => void today.refetch()} />;
  const d = today.data;
  const writable = can('tasks.write');

  return (
    <PageContainer
      title={t('team.checks.title')}
      bare
      extra={
        <Space>
          <DatePicker
            allowClear={false}
            value={dayjs(d.day)}
            disabledDate={(x) => x.isAfter(dayjs(), 'day') || x.isBefore(dayjs().subtract(30, 'day'), 'day')}
            onChange={(v) => setDay(v ? v.format('YYYY-MM-DD') : undefined)}
            data-testid="checks-day"
          />
          {can('targets.write') ? (
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="checks-edit">
              {t('team.checks.edit')}
            </Button>
          ) : null}
        </Space>
      }
    >
      {d.day === dayjs().format('YYYY-MM-DD') || day === undefined ? <DigestCard /> : null}
      <Flex gap={16} align="flex-start" wrap>
        <Card style={{ flex: '2 1 560px', minWidth: 0 }}>
          <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
            <Typography.Text type="secondary">
              {t('team.checks.roles', { roles: d.roles.map((r) => t(`team.checks.roleNames.${r}`)).join('、') })}
            </Typography.Text>
            <Typography.Text strong data-testid="checks-progress">
              {t('team.checks.progress', { done: d.done, total: d.total })}
            </Typography.Text>
          </Flex>
          <Progress percent={d.total ? Math.round((d.done / d.total) * 100) : 0} showInfo={false} style={{ marginBottom: 8 }} />
          <List
            dataSource={d.items}
            locale={{ emptyText: t('team.checks.empty') }}
            renderItem={(item) => (
              <List.Item
                data-testid={`check-item-${item.id}`}
                actions={[
                  item.link ? (
                    <Link key="open" to={item.link}>
                      {t('team.checks.open')}
                    </Link>
                  ) : null,
                ].filter(Boolean)}
              >
                <Checkbox
                  checked={item.done}
                  disabled={!writable || tick.isPending}
                  onChange={(e) => tick.mutate({ itemId: item.id, day: d.day, done: e.target.checked }, { onError: (err) => onError(err) })}
                  data-testid={`check-box-${item.id}`}
                >
                  <Typography.Text delete={item.done} type={item.done ? 'secondary' : undefined}>
                    {item.title}
                  </Typography.Text>
                  {item.hint ? (
                    <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                      {item.hint}
                    </Typography.Text>
                  ) : null}
                </Checkbox>
                {item.doneAt ? <Tag color="green">{dayjs(item.doneAt).format('HH:mm')}</Tag> : null}
              </List.Item>
            )}
          />
        </Card>
        <Card title={t('team.checks.history')} style={{ flex: '1 1 280px', minWidth: 0 }} data-testid="checks-history">
          {history.data ? (
            <Flex vertical gap={4}>
              {[...history.data].reverse().map((h) => (
                <Tooltip key={h.day} title={h.items.map((i) => i.title).join('；') || undefined}>
                  <Flex align="center" gap={8}>
                    <Typography.Text style={{ width: 90 }}>{h.day.slice(5)}</Typography.Text>
                    <Progress
                      percent={h.total ? Math.round((h.done / h.total) * 100) : 0}
                      size="small"
                      format={() => `${h.done}/${h.total}`}
                      style={{ flex: 1, margin: 0 }}
                    />
                  </Flex>
                </Tooltip>
              ))}
            </Flex>
          ) : history.isError ? (
            <QueryError error={history.error} />
          ) : (
            <Loading />
          )}
        </Card>
      </Flex>
      <ChecklistEditor open={editing} onClose={() => setEditing(false)} />
    </PageContainer>
  );
}

function ChecklistEditor({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const [role, setRole] = useState<ChecklistRole>('operator');
  const items = useChecklistItems(open);
  const create = useCreateChecklistItem();
  const update = useUpdateChecklistItem();
  const [form] = Form.useForm<{ title: string; hint?: string; link?: string }>();
  const rows = (items.data ?? []).filter((i) => i.roleCode === role);
  return (
    <Modal open={open} onCancel={onClose} footer={null} width={820} title={t('team.checks.editTitle')} destroyOnHidden>
      <Select<ChecklistRole>
        value={role}
        onChange={setRole}
        style={{ width: 200, marginBottom: 12 }}
        options={CHECKLIST_ROLES.map((r) => ({ value: r, label: t(`team.checks.roleNames.${r}`) }))}
      />
      <Table<ChecklistItemDto>
        size="small"
        rowKey="id"
        pagination={false}
        loading={items.isFetching}
        dataSource={rows}
        columns={[
          {
            title: t('team.checks.itemTitle'),
            key: 'title',
            render: (_, r) => (
              <Typography.Text delete={r.archived} type={r.archived ? 'secondary' : undefined}>
                {r.title}
              </Typography.Text>
            ),
          },
          { title: t('team.checks.link'), dataIndex: 'link', key: 'link', width: 170 },
          {
            title: t('common.actions'),
            key: 'a',
            width: 90,
            render: (_, r) => (
              <Button
                type="link"
                size="small"
                onClick={() => update.mutate({ id: r.id, archived: !r.archived }, { onError: (e) => onError(e) })}
              >
                {r.archived ? t('team.checks.restore') : t('team.checks.archive')}
              </Button>
            ),
          },
        ]}
      />
      <Form
        form={form}
        layout="inline"
        style={{ marginTop: 12, rowGap: 8 }}
        onFinish={(v) =>
          create.mutate(
            { roleCode: role, title: v.title, hint: v.hint ?? '', link: v.link ?? '' },
            {
              onSuccess: () => {
                form.resetFields();
                void message.success(t('team.tasks.saved'));
              },
              onError: (e) => onError(e, form),
            },
          )
        }
      >
        <Form.Item name="title" rules={[{ required: true, whitespace: true, message: t('team.tasks.form.titleRequired') }]}>
          <Input placeholder={t('team.checks.itemTitle')} style={{ width: 260 }} maxLength={200} />
        </Form.Item>
        <Form.Item name="hint">
          <Input placeholder={t('team.checks.hint')} style={{ width: 180 }} maxLength={400} />
        </Form.Item>
        <Form.Item name="link">
          <Input placeholder="/aftersales" style={{ width: 140 }} maxLength={200} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          {t('team.checks.add')}
        </Button>
      </Form>
    </Modal>
  );
}
