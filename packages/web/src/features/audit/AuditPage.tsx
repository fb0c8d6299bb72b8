import { useEffect } from 'react';
import { Alert, Button, Form, Input, Select, Space, Tooltip, Typography, type TableProps } from 'antd';
import { FilterRangePicker } from '../../components/DateRangePicker';
import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatDateTime } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { PagedTable } from '../../components/PagedTable';
import { useUrlState } from '../../components/useUrlState';
import { useShop } from '../../components/ShopContext';
import { useShopIndex } from '../shops/api';
import { KNOWN_AUDIT_ACTIONS, KNOWN_ENTITY_TYPES, useAudit } from './api';
import { AuditDiff } from './AuditDiff';

const TEXT_FILTERS = ['action', 'actor', 'entityType', 'entityId'] as const;

interface FilterForm {
  action?: string;
  actor?: string;
  entityType?: string;
  entityId?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

function epoch(v: string | null | undefined): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

export function AuditPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { me, can } = useAuth();
  const { shop } = useShop();
  const shopIndex = useShopIndex(me.shops, can('shops.read'));
  const url = useUrlState();
  const [form] = Form.useForm<FilterForm>();

  const filters = {
    action: url.get('action'),
    actor: url.get('actor'),
    entityType: url.get('entityType'),
    entityId: url.get('entityId'),
    from: epoch(url.get('from')),
    to: epoch(url.get('to')),
  };
  const { page, pageSize } = url;

  const query = Object.fromEntries(
    Object.entries({ ...filters, shopId: shop?.id, page, pageSize }).filter(([, v]) => v !== undefined && v !== ''),
  ) as { page: number; pageSize: number };
  const audit = useAudit(query);

  // Keep the form in step with the URL (back/forward, shared links).
  const paramsKey = url.key;
  useEffect(() => {
    const p = new URLSearchParams(paramsKey);
    const from = epoch(p.get('from'));
    const to = epoch(p.get('to'));
    form.setFieldsValue({
      action: p.get('action') ?? undefined,
      actor: p.get('actor') ?? undefined,
      entityType: p.get('entityType') ?? undefined,
      entityId: p.get('entityId') ?? undefined,
      range:
        from !== undefined || to !== undefined ? [from !== undefined ? dayjs(from) : null, to !== undefined ? dayjs(to - 1) : null] : null,
    });
  }, [paramsKey, form]);

  const applyFilters = (v: FilterForm) => {
    const [start, end] = v.range ?? [null, null];
    url.setFilters({
      ...Object.fromEntries(TEXT_FILTERS.map((k) => [k, v[k]?.trim()])),
      from: start?.startOf('day').valueOf(),
      // The server's `to` is exclusive: the range ends where the day after the end date begins.
      to: end?.add(1, 'day').startOf('day').valueOf(),
    });
  };

  const resetFilters = () => {
    form.resetFields();
    url.reset();
  };

  const columns: TableProps<AuditEntry>['columns'] = [
    { title: t('audit.time'), dataIndex: 'at', key: 'at', width: 170, render: (v: number) => formatDateTime(v) },
    { title: t('audit.actor'), dataIndex: 'actorName', key: 'actor', width: 130 },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      key: 'action',
      width: 150,
      render: (a: string) => {
        const label = labels.auditAction(a);
        return label === a ? (
          <Typography.Text code>{a}</Typography.Text>
        ) : (
          <Tooltip title={a}>
            <span>{label}</span>
          </Tooltip>
        );
      },
    },
    {
      title: t('audit.entity'),
      key: 'entity',
      render: (_, e) => (
        <Space size={4} wrap>
          <span>{labels.entityType(e.entityType)}</span>
          {e.entityId ? (
            <Typography.Text code copyable={{ text: e.entityId }} style={{ fontSize: 12 }}>
              {e.entityId}
            </Typography.Text>
          ) : null}
        </Space>
      ),
    },
    {
      title: t('audit.shop'),
      dataIndex: 'shopId',
      key: 'shop',
      width: 140,
      render: (id: string | null) => (id ? (shopIndex.get(id)?.name ?? id) : '—'),
    },
    { title: t('audit.ip'), dataIndex: 'ip', key: 'ip', width: 130, render: (ip: string | null) => ip ?? '—' },
  ];

  return (
    <PageContainer title={t('audit.title')}>
      <Form<FilterForm> form={form} layout="inline" onFinish={applyFilters} style={{ rowGap: 12, marginBottom: 16 }}>
        <Form.Item name="action">
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('audit.actionPlaceholder')}
            style={{ width: 180 }}
            options={KNOWN_AUDIT_ACTIONS.map((a) => ({ value: a, label: labels.auditAction(a) }))}
            data-testid="audit-filter-action"
          />
        </Form.Item>
        <Form.Item name="actor">
          <Input name="actor" allowClear placeholder={t('audit.actorPlaceholder')} style={{ width: 150 }} />
        </Form.Item>
        <Form.Item name="entityType">
          <Select
            allowClear
            placeholder={t('audit.entityTypePlaceholder')}
            style={{ width: 140 }}
            options={KNOWN_ENTITY_TYPES.map((e) => ({ value: e, label: labels.entityType(e) }))}
            data-testid="audit-filter-entity-type"
          />
        </Form.Item>
        <Form.Item name="entityId">
          <Input name="entityId" allowClear placeholder={t('audit.entityId')} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="range">
          <FilterRangePicker allowEmpty={[true, true]} data-testid="audit-filter-range" />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="audit-search">
              {t('common.search')}
            </Button>
            <Button onClick={resetFilters} data-testid="audit-reset">
              {t('common.reset')}
            </Button>
            <Button icon={<ReloadOutlined />} onClick={() => void audit.refetch()} aria-label={t('common.refresh')} />
          </Space>
        </Form.Item>
      </Form>
      {shop ? <Alert type="info" showIcon title={t('audit.shopFilter', { name: shop.name })} style={{ marginBottom: 12 }} /> : null}
      <PagedTable<AuditEntry>
        query={audit}
        url={url}
        emptyText={t('audit.empty')}
        rowKey="id"
        columns={columns}
        scroll={{ x: 1000 }}
        expandable={{
          rowExpandable: (e) => e.before != null || e.after != null || !!e.requestId,
          expandedRowRender: (e) => (
            <div>
              {e.before != null || e.after != null ? <AuditDiff before={e.before} after={e.after} /> : null}
              {e.requestId ? (
                <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
                  {t('audit.requestId')}: {e.requestId}
                </Typography.Paragraph>
              ) : null}
            </div>
          ),
        }}
        data-testid="audit-table"
      />
    </PageContainer>
  );
}
