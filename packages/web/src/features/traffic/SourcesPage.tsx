import { useMemo, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableProps,
  Segmented,
} from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, EditOutlined, ExperimentOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { SOURCE_FAMILIES, SOURCE_GROUPS, type SourceFamily, type SourceGroupCode } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { QueryError, QueryPage } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import {
  RULE_FIELDS,
  RULE_OPS,
  useCreateRule,
  useCreateSource,
  useDeleteRule,
  useDeleteSource,
  useRules,
  useSources,
  useSwapRules,
  useTestRule,
  useUpdateRule,
  useUpdateSource,
  type RuleInput,
  type SourceGroup,
  type SourceRule,
  type TrafficSource,
} from './api';

type TreeRow =
  | { kind: 'group'; key: string; group: SourceGroup; children: TreeRow[] }
  | { kind: 'source'; key: string; group: SourceGroup; source: TrafficSource };

/** 来源与规则: the editable source tree, the rules mapping referrers/UTM tags to sources, and a tester. */
export function SourcesPage() {
  const { t } = useTranslation();
  const sources = useSources();
  const title = t('traffic.sources.title');
  return (
    <QueryPage query={sources} title={title}>
      {(data) => (
        <PageContainer title={title} bare>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Alert type="info" showIcon title={t('traffic.sources.intro')} />
            <Row gutter={[16, 16]}>
              <Col xs={24} xl={10}>
                <SourceTree />
              </Col>
              <Col xs={24} xl={14}>
                <RuleTester groups={data} />
              </Col>
            </Row>
            <RulesTable groups={data} />
          </Space>
        </PageContainer>
      )}
    </QueryPage>
  );
}

/** Localized name of a source code, looked up in the tree (custom sources keep their own name). */
function useSourceLabel(groups: SourceGroup[]) {
  const labels = useLabels();
  return useMemo(() => {
    const byCode = new Map<string, string>();
    for (const g of groups) for (const s of g.children) byCode.set(s.code, s.builtin ? labels.source(s.code, s.name) : s.name);
    return (code: string) => byCode.get(code) ?? code;
  }, [groups, labels]);
}

/** The source tree of one channel (each channel has its own sources and group names). */
function SourceTree() {
  const [family, setFamily] = useState<SourceFamily>('taobao');
  const tree = useSources(family);
  const groups = tree.data ?? [];
  const { t } = useTranslation();
  const { can } = useAuth();
  const manage = can('traffic.manage');
  const labels = useLabels();
  const { message } = App.useApp();
  const onError = useApiError();
  const del = useDeleteSource();
  const [editing, setEditing] = useState<{ group: SourceGroupCode; source: TrafficSource | null; family: SourceFamily } | null>(null);

  const rows: TreeRow[] = groups.map((g) => ({
    kind: 'group',
    key: `group:${g.code}`,
    group: g,
    children: g.children.map((s) => ({ kind: 'source', key: s.id, group: g, source: s })),
  }));

  const columns: TableProps<TreeRow>['columns'] = [
    {
      title: t('traffic.sources.name'),
      key: 'name',
      render: (_, r) =>
        r.kind === 'group' ? (
          <strong>{labels.sourceGroup(r.group.code, r.group.name)}</strong>
        ) : (
          <Space size={6}>
            <span>{r.source.builtin ? labels.source(r.source.code, r.source.name) : r.source.name}</span>
            {r.source.builtin ? (
              <Tag bordered={false}>{t('traffic.sources.builtin')}</Tag>
            ) : (
              <Tag color="blue">{t('traffic.sources.custom')}</Tag>
            )}
          </Space>
        ),
    },
    {
      title: t('traffic.sources.code'),
      key: 'code',
      render: (_, r) =>
        r.kind === 'source' ? (
          <Typography.Text code style={{ whiteSpace: 'nowrap' }}>
            {r.source.code}
          </Typography.Text>
        ) : null,
    },
    ...(manage
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 110,
            render: (_: unknown, r: TreeRow) =>
              r.kind === 'group' ? (
                <Tooltip title={t('traffic.sources.addTo')}>
                  <Button
                    size="small"
                    type="text"
                    icon={<PlusOutlined />}
                    onClick={() => setEditing({ group: r.group.code, source: null, family })}
                    data-testid={`source-add-${r.group.code}`}
                  />
                </Tooltip>
              ) : (
                <Space size={0}>
                  <Tooltip title={t('common.edit')}>
                    <Button
                      size="small"
                      type="text"
                      icon={<EditOutlined />}
                      onClick={() => setEditing({ group: r.group.code, source: r.source, family })}
                      data-testid={`source-edit-${r.source.code}`}
                    />
                  </Tooltip>
                  {r.source.builtin ? null : (
                    <Popconfirm
                      title={t('traffic.sources.confirmDelete')}
                      onConfirm={() =>
                        del.mutate(r.source.id, {
                          onSuccess: () => void message.success(t('traffic.sources.deleted')),
                          onError: (e) => onError(e),
                        })
                      }
                    >
                      <Button size="small" type="text" danger icon={<DeleteOutlined />} data-testid={`source-delete-${r.source.code}`} />
                    </Popconfirm>
                  )}
                </Space>
              ),
          },
        ]
      : []),
  ];

  return (
    <Card
      title={
        <Space size={12} wrap>
          <span>{t('traffic.sources.tree')}</span>
          <Segmented<SourceFamily>
            size="small"
            value={family}
            onChange={setFamily}
            options={SOURCE_FAMILIES.map((f) => ({ value: f, label: t(`traffic.sources.family.${f}`) }))}
            data-testid="source-family"
          />
        </Space>
      }
      style={{ height: '100%' }}
      extra={
        manage ? (
          <Button
            type="primary"
            size="small"
            icon={<PlusOutlined />}
            onClick={() => setEditing({ group: 'offsite', source: null, family })}
            data-testid="source-add"
          >
            {t('traffic.sources.add')}
          </Button>
        ) : null
      }
    >
      <Table<TreeRow>
        // Remounted per channel once its tree is in, so every group opens expanded.
        key={`${family}:${tree.data ? 'ready' : 'loading'}`}
        size="small"
        rowKey="key"
        columns={columns}
        dataSource={rows}
        loading={tree.isLoading}
        pagination={false}
        scroll={{ x: 'max-content' }}
        expandable={{ defaultExpandAllRows: true }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('traffic.sources.empty')} /> }}
        data-testid="source-tree"
      />
      {editing ? <SourceModal initial={editing} onClose={() => setEditing(null)} /> : null}
    </Card>
  );
}

function SourceModal({
  initial,
  onClose,
}: {
  initial: { group: SourceGroupCode; source: TrafficSource | null; family: SourceFamily };
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { message } = App.useApp();
  const onError = useApiError();
  const create = useCreateSource();
  const update = useUpdateSource();
  const [form] = Form.useForm<{ code: string; groupCode: SourceGroupCode; name: string }>();
  const isEdit = !!initial.source;
  const submit = (v: { code: string; groupCode: SourceGroupCode; name: string }) => {
    const done = {
      onSuccess: () => {
        void message.success(t('common.saved'));
        onClose();
      },
      onError: (e: unknown) => onError(e, form),
    };
    if (initial.source) update.mutate({ id: initial.source.id, name: v.name.trim(), groupCode: v.groupCode }, done);
    // A source added from a channel's tree belongs to that channel's tree.
    else create.mutate({ code: v.code.trim(), groupCode: v.groupCode, name: v.name.trim(), family: initial.family }, done);
  };
  return (
    <Modal
      open
      title={isEdit ? t('traffic.sources.edit') : t('traffic.sources.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending || update.isPending}
      okButtonProps={{ 'data-testid': 'source-save' } as Record<string, string>}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ code: initial.source?.code ?? '', groupCode: initial.group, name: initial.source?.name ?? '' }}
        onFinish={submit}
      >
        <Form.Item name="groupCode" label={t('traffic.sources.group')} rules={[{ required: true, message: t('common.required') }]}>
          <Select options={SOURCE_GROUPS.map((g) => ({ value: g.code, label: labels.sourceGroup(g.code) }))} data-testid="source-group" />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('traffic.sources.code')}
          extra={isEdit ? undefined : t('traffic.sources.codeHint')}
          rules={[
            { required: true, message: t('common.required') },
            { pattern: /^[a-z][a-z0-9_]{1,39}$/, message: t('traffic.sources.codeInvalid') },
          ]}
        >
          <Input disabled={isEdit} placeholder="douyin_live" data-testid="source-code" />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('traffic.sources.name')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }, { max: 60 }]}
        >
          <Input data-testid="source-name" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function RulesTable({ groups }: { groups: SourceGroup[] }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { can } = useAuth();
  const manage = can('traffic.manage');
  const rules = useRules();
  const label = useSourceLabel(groups);
  const { message } = App.useApp();
  const onError = useApiError();
  const update = useUpdateRule();
  const del = useDeleteRule();
  const swap = useSwapRules();
  const [editing, setEditing] = useState<SourceRule | 'new' | null>(null);
  const items = useMemo(() => [...(rules.data ?? [])].sort((a, b) => a.priority - b.priority), [rules.data]);

  const move = (i: number, dir: -1 | 1) => {
    const a = items[i];
    const b = items[i + dir];
    if (!a || !b) return;
    swap.mutate({ a, b }, { onError: (e) => onError(e) });
  };

  const columns: TableProps<SourceRule>['columns'] = [
    { title: t('traffic.rules.priority'), dataIndex: 'priority', width: 80, align: 'right' },
    { title: t('traffic.rules.field'), dataIndex: 'field', render: (f: string) => labels.of('traffic.rules.fields', f) },
    { title: t('traffic.rules.op'), dataIndex: 'op', render: (o: string) => labels.of('traffic.rules.ops', o) },
    {
      title: t('traffic.rules.pattern'),
      dataIndex: 'pattern',
      render: (p: string) =>
        p === '' ? (
          <Typography.Text type="secondary">{t('traffic.rules.emptyPattern')}</Typography.Text>
        ) : (
          <Typography.Text code ellipsis={{ tooltip: p }} style={{ maxWidth: 220 }}>
            {p}
          </Typography.Text>
        ),
    },
    { title: t('traffic.rules.source'), dataIndex: 'sourceCode', render: (c: string) => label(c) },
    {
      title: t('traffic.rules.enabled'),
      dataIndex: 'enabled',
      width: 80,
      render: (on: boolean, r) => (
        <Switch
          size="small"
          checked={on}
          disabled={!manage}
          loading={update.isPending && update.variables?.id === r.id}
          onChange={(checked) => update.mutate({ id: r.id, enabled: checked }, { onError: (e) => onError(e) })}
          data-testid={`rule-enabled-${r.id}`}
        />
      ),
    },
    ...(manage
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 150,
            render: (_: unknown, r: SourceRule, i: number) => (
              <Space size={0}>
                <Tooltip title={t('traffic.rules.up')}>
                  <Button
                    size="small"
                    type="text"
                    icon={<ArrowUpOutlined />}
                    disabled={i === 0 || swap.isPending}
                    onClick={() => move(i, -1)}
                    data-testid={`rule-up-${r.id}`}
                  />
                </Tooltip>
                <Tooltip title={t('traffic.rules.down')}>
                  <Button
                    size="small"
                    type="text"
                    icon={<ArrowDownOutlined />}
                    disabled={i === items.length - 1 || swap.isPending}
                    onClick={() => move(i, 1)}
                    data-testid={`rule-down-${r.id}`}
                  />
                </Tooltip>
                <Tooltip title={t('common.edit')}>
                  <Button
                    size="small"
                    type="text"
                    icon={<EditOutlined />}
                    onClick={() => setEditing(r)}
                    data-testid={`rule-edit-${r.id}`}
                  />
                </Tooltip>
                <Popconfirm
                  title={t('traffic.rules.confirmDelete')}
                  onConfirm={() =>
                    del.mutate(r.id, { onSuccess: () => void message.success(t('traffic.rules.deleted')), onError: (e) => onError(e) })
                  }
                >
                  <Button size="small" type="text" danger icon={<DeleteOutlined />} data-testid={`rule-delete-${r.id}`} />
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <Card
      title={t('traffic.rules.title')}
      extra={
        manage ? (
          <Button type="primary" size="small" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="rule-add">
            {t('traffic.rules.add')}
          </Button>
        ) : null
      }
    >
      <Typography.Paragraph type="secondary">{t('traffic.rules.hint')}</Typography.Paragraph>
      {rules.isError ? (
        <QueryError error={rules.error} onRetry={() => void rules.refetch()} />
      ) : (
        <Table<SourceRule>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={items}
          loading={rules.isPending || swap.isPending}
          pagination={items.length > 50 ? { pageSize: 50 } : false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('traffic.rules.empty')} /> }}
          data-testid="rule-table"
        />
      )}
      {editing ? (
        <RuleModal
          rule={editing === 'new' ? null : editing}
          groups={groups}
          // New rules go first: the table usually ends with catch-all rules (e.g. an empty referrer → direct).
          nextPriority={Math.max(0, (items[0]?.priority ?? 11) - 1)}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </Card>
  );
}

function useSourceOptions(groups: SourceGroup[]) {
  const labels = useLabels();
  return groups.map((g) => ({
    label: labels.sourceGroup(g.code, g.name),
    title: g.code,
    options: g.children.map((s) => ({ value: s.code, label: s.builtin ? labels.source(s.code, s.name) : s.name })),
  }));
}

function RuleModal({
  rule,
  groups,
  nextPriority,
  onClose,
}: {
  rule: SourceRule | null;
  groups: SourceGroup[];
  nextPriority: number;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const create = useCreateRule();
  const update = useUpdateRule();
  const [form] = Form.useForm<RuleInput>();
  const sourceOptions = useSourceOptions(groups);
  const submit = (v: RuleInput) => {
    const body = { ...v, pattern: (v.pattern ?? '').trim() };
    const done = {
      onSuccess: () => {
        void message.success(t('common.saved'));
        onClose();
      },
      onError: (e: unknown) => onError(e, form),
    };
    if (rule) update.mutate({ id: rule.id, ...body }, done);
    else create.mutate(body, done);
  };
  return (
    <Modal
      open
      title={rule ? t('traffic.rules.edit') : t('traffic.rules.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending || update.isPending}
      okButtonProps={{ 'data-testid': 'rule-save' } as Record<string, string>}
      destroyOnHidden
    >
      <Form<RuleInput>
        form={form}
        layout="vertical"
        initialValues={
          rule ?? { priority: nextPriority, field: 'utm_source', op: 'equals', pattern: '', sourceCode: undefined, enabled: true }
        }
        onFinish={submit}
      >
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item
              name="priority"
              label={t('traffic.rules.priority')}
              extra={t('traffic.rules.priorityHint')}
              rules={[{ required: true, message: t('common.required') }]}
            >
              <InputNumber min={0} max={100000} precision={0} style={{ width: '100%' }} data-testid="rule-priority" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="field" label={t('traffic.rules.field')} rules={[{ required: true, message: t('common.required') }]}>
              <Select options={RULE_FIELDS.map((f) => ({ value: f, label: t(`traffic.rules.fields.${f}`) }))} data-testid="rule-field" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="op" label={t('traffic.rules.op')} rules={[{ required: true, message: t('common.required') }]}>
              <Select options={RULE_OPS.map((o) => ({ value: o, label: t(`traffic.rules.ops.${o}`) }))} data-testid="rule-op" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="pattern" label={t('traffic.rules.pattern')} extra={t('traffic.rules.patternHint')} rules={[{ max: 200 }]}>
          <Input data-testid="rule-pattern" />
        </Form.Item>
        <Form.Item name="sourceCode" label={t('traffic.rules.source')} rules={[{ required: true, message: t('common.required') }]}>
          <Select showSearch optionFilterProp="label" options={sourceOptions} data-testid="rule-source" />
        </Form.Item>
        <Form.Item name="enabled" label={t('traffic.rules.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function RuleTester({ groups }: { groups: SourceGroup[] }) {
  const { t } = useTranslation();
  const test = useTestRule();
  const rules = useRules();
  const label = useSourceLabel(groups);
  const onError = useApiError();
  const [form] = Form.useForm<{ url: string; referrer: string }>();
  const result = test.data;
  const rule = result?.ruleId ? rules.data?.find((r) => r.id === result.ruleId) : undefined;
  return (
    <Card
      title={
        <Space>
          <ExperimentOutlined />
          {t('traffic.test.title')}
        </Space>
      }
      data-testid="rule-tester"
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => test.mutate({ url: v.url.trim(), referrer: (v.referrer ?? '').trim() }, { onError: (e) => onError(e, form) })}
      >
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item
              name="url"
              label={t('traffic.test.url')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input placeholder="https://shop.example.com/item/1?utm_source=wechat" data-testid="rule-test-url" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="referrer" label={t('traffic.test.referrer')}>
              <Input placeholder="https://www.baidu.com/" data-testid="rule-test-referrer" />
            </Form.Item>
          </Col>
        </Row>
        <Button htmlType="submit" loading={test.isPending} data-testid="rule-test-submit">
          {t('traffic.test.run')}
        </Button>
      </Form>
      {result ? (
        <Descriptions size="small" column={1} bordered style={{ marginTop: 16 }} data-testid="rule-test-result">
          <Descriptions.Item label={t('traffic.test.source')}>
            <Space>
              <strong data-testid="rule-test-source">{label(result.sourceCode)}</strong>
              <Typography.Text code>{result.sourceCode}</Typography.Text>
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t('traffic.test.matched')}>
            {result.ruleId === null
              ? t('traffic.test.fallback')
              : rule
                ? t('traffic.test.rule', {
                    priority: rule.priority,
                    field: t(`traffic.rules.fields.${rule.field}`),
                    op: t(`traffic.rules.ops.${rule.op}`),
                    pattern: rule.pattern,
                  })
                : result.ruleId}
          </Descriptions.Item>
        </Descriptions>
      ) : null}
    </Card>
  );
}
