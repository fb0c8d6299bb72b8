import { useState } from 'react';
import { Alert, App, Button, Dropdown, Form, Input, Segmented, Space, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { DownloadOutlined, ReloadOutlined, TagOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { CUSTOMER_LISTS, RFM_SEGMENT_LABELS, type CustomerList, type CustomerListRequest, type RfmSegment } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatCount, formatMoney, NO_VALUE } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { PagedTable } from '../../components/PagedTable';
import { SaveModal } from '../../components/SaveModal';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { exportUrl, useCustomers, useTagCustomers, type CustomerSummary } from './api';

const SEGMENTS = Object.keys(RFM_SEGMENT_LABELS) as RfmSegment[];

/** Customers: all, or a list to act on (high value, churn risk, awaiting a 2nd order), an RFM segment or a tag; tag and export. */
export function CustomersPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { can } = useAuth();
  const { shop } = useShop();
  const { message } = App.useApp();
  const onError = useApiError();
  const url = useUrlState();
  const list = (CUSTOMER_LISTS as readonly string[]).includes(url.get('list') ?? '') ? (url.get('list') as CustomerList) : 'all';
  const segmentParam = url.get('segment');
  const segment = segmentParam && (SEGMENTS as string[]).includes(segmentParam) ? (segmentParam as RfmSegment) : undefined;
  const needsShop = (list !== 'all' || !!segment) && !shop;
  const filter = {
    shopId: shop?.id,
    q: url.get('q'),
    list,
    segment,
    tag: url.get('tag'),
    asOf: url.get('asOf'),
  } satisfies Partial<CustomerListRequest>;
  const query = useCustomers({ ...filter, page: url.page, pageSize: url.pageSize });
  const [selected, setSelected] = useState<string[]>([]);
  const [tagging, setTagging] = useState<'selected' | 'all' | null>(null);
  const [form] = Form.useForm<{ tag: string }>();
  const tag = useTagCustomers();
  const canWrite = can('customers.write');
  const pii = can('customers.pii.read');

  const submitTag = (v: { tag: string }) =>
    tag.mutate(tagging === 'selected' ? { tag: v.tag, customerIds: selected } : { tag: v.tag, filter }, {
      onSuccess: (r) => {
        void message.success(t('customers.actions.tagged', { n: r.tagged, tag: r.tag }));
        setTagging(null);
        setSelected([]);
      },
      onError: (e) => onError(e, form),
    });

  const exportQuery = { ...filter, format: 'csv' as 'csv' | 'xlsx' };
  const columns: TableProps<CustomerSummary>['columns'] = [
    {
      title: t('customers.fields.customer'),
      key: 'nick',
      width: 200,
      render: (_, c) => (
        <Space direction="vertical" size={0}>
          <Link to={`/customers/${c.id}`} data-testid={`customer-link-${c.nick || c.id}`}>
            {c.nick || c.name || c.phone || c.id}
          </Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {labels.channel(c.channel)}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('customers.fields.name'), dataIndex: 'name', key: 'name', width: 100, render: (v: string) => v || NO_VALUE },
    { title: t('customers.fields.phone'), dataIndex: 'phone', key: 'phone', width: 130, render: (v: string) => v || NO_VALUE },
    {
      title: t('customers.fields.paidOrders'),
      dataIndex: 'paidOrders',
      key: 'paidOrders',
      width: 100,
      align: 'right',
      render: formatCount,
    },
    { title: t('customers.fields.paid'), dataIndex: 'paidFen', key: 'paid', width: 120, align: 'right', render: formatMoney },
    { title: t('customers.fields.refund'), dataIndex: 'refundFen', key: 'refund', width: 110, align: 'right', render: formatMoney },
    { title: t('customers.fields.aov'), dataIndex: 'aovFen', key: 'aov', width: 110, align: 'right', render: formatMoney },
    {
      title: t('customers.fields.lastPaid'),
      dataIndex: 'lastPaidDay',
      key: 'lastPaid',
      width: 110,
      render: (v: string | null) => v ?? NO_VALUE,
    },
    {
      title: t('customers.fields.cycle'),
      dataIndex: 'cycleDays',
      key: 'cycle',
      width: 100,
      align: 'right',
      render: (v: number | null) => (v === null ? NO_VALUE : t('customers.days', { n: v })),
    },
    {
      title: t('customers.fields.tags'),
      dataIndex: 'tags',
      key: 'tags',
      render: (tags: string[]) => (tags.length ? tags.map((x) => <Tag key={x}>{x}</Tag>) : NO_VALUE),
    },
  ];

  return (
    <PageContainer
      title={t('customers.title')}
      extra={
        <>
          {canWrite ? (
            <Dropdown
              disabled={needsShop}
              menu={{
                items: [
                  { key: 'selected', label: t('customers.actions.tagSelected', { n: selected.length }), disabled: !selected.length },
                  { key: 'all', label: t('customers.actions.tagAll') },
                ],
                onClick: ({ key }) => setTagging(key as 'selected' | 'all'),
              }}
            >
              <Button icon={<TagOutlined />} data-testid="customers-tag">
                {t('customers.actions.tag')}
              </Button>
            </Dropdown>
          ) : null}
          <Tooltip title={pii ? undefined : t('customers.actions.exportMasked')}>
            <Dropdown
              disabled={needsShop}
              menu={{
                items: [
                  { key: 'csv', label: <a href={exportUrl(exportQuery)}>{t('customers.actions.exportCsv')}</a> },
                  { key: 'xlsx', label: <a href={exportUrl({ ...exportQuery, format: 'xlsx' })}>{t('customers.actions.exportXlsx')}</a> },
                ],
              }}
            >
              <Button icon={<DownloadOutlined />} data-testid="customers-export">
                {t('customers.actions.export')}
              </Button>
            </Dropdown>
          </Tooltip>
          <Button icon={<ReloadOutlined />} onClick={() => void query.refetch()} aria-label={t('common.refresh')} />
        </>
      }
    >
      <Space direction="vertical" size={12} style={{ width: '100%', marginBottom: 12 }}>
        <Space wrap>
          <Segmented<CustomerList>
            value={list}
            onChange={(v) => url.patch({ list: v === 'all' ? undefined : v })}
            options={CUSTOMER_LISTS.map((l) => ({ value: l, label: t(`customers.lists.${l}`) }))}
            data-testid="customers-lists"
          />
          <Input.Search
            allowClear
            placeholder={pii ? t('customers.search') : t('customers.searchNoPii')}
            defaultValue={url.get('q') ?? ''}
            onSearch={(v) => url.patch({ q: v.trim() || undefined })}
            style={{ width: 260 }}
            data-testid="customers-search"
          />
        </Space>
        {list !== 'all' ? <Typography.Text type="secondary">{t(`customers.listHints.${list}`)}</Typography.Text> : null}
        {segment || url.get('tag') ? (
          <Space wrap>
            {segment ? (
              <Tag
                color="blue"
                closable
                onClose={() => url.patch({ segment: undefined, asOf: undefined })}
                data-testid="customers-segment-filter"
              >
                {t('customers.segmentFilter', {
                  segment: labels.text(RFM_SEGMENT_LABELS[segment]),
                  asOf: url.get('asOf') ?? query.data?.asOf ?? '',
                })}
              </Tag>
            ) : null}
            {segment ? (
              <Link to={`/customers/segments?rfm=${segment}`} data-testid="customers-save-segment">
                {t('customers.segments.fromRfm')}
              </Link>
            ) : null}
            {url.get('tag') ? (
              <Tag color="purple" closable onClose={() => url.patch({ tag: undefined })}>
                {t('customers.tagFilter', { tag: url.get('tag') })}
              </Tag>
            ) : null}
          </Space>
        ) : null}
      </Space>
      {needsShop ? (
        <Alert type="info" showIcon message={t('customers.pickShop')} data-testid="customers-pick-shop" />
      ) : (
        <PagedTable<CustomerSummary>
          rowKey="id"
          query={query}
          url={url}
          columns={columns}
          scroll={{ x: 1200 }}
          emptyText={t('customers.empty')}
          {...(canWrite ? { rowSelection: { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) } } : {})}
          data-testid="customers-table"
        />
      )}
      <SaveModal
        open={tagging !== null}
        title={t('customers.tagModal.title')}
        form={form}
        saving={tag.isPending}
        onClose={() => setTagging(null)}
        submitTestId="customers-tag-save"
      >
        <Form form={form} layout="vertical" onFinish={submitTag} preserve={false}>
          <Form.Item
            name="tag"
            label={t('customers.tagModal.tag')}
            rules={[{ required: true, whitespace: true, message: t('customers.tagModal.tagRequired') }]}
          >
            <Input maxLength={40} data-testid="customers-tag-input" />
          </Form.Item>
          <Typography.Text type="secondary">
            {tagging === 'selected'
              ? t('customers.actions.tagSelected', { n: selected.length })
              : `${t('customers.actions.tagAll')}（${formatCount(query.data?.total ?? 0)}）`}
          </Typography.Text>
        </Form>
      </SaveModal>
    </PageContainer>
  );
}
