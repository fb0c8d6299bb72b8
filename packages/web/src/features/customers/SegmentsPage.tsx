import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Dropdown,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
  type TableProps,
} from 'antd';
import { ClearOutlined, DownloadOutlined, SaveOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  CHANNELS,
  LIFECYCLE_LABELS,
  RFM_SEGMENT_LABELS,
  SEGMENT_LISTS,
  type LifecycleType,
  type RfmSegment,
  type SegmentRulesRequest,
} from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatCount, formatDateTime, formatListCount, formatMoney, NO_VALUE } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { SaveModal } from '../../components/SaveModal';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import {
  segmentExportUrl,
  useDeleteSegment,
  useSaveSegment,
  useSegmentPreview,
  useSegments,
  type CustomerSummary,
  type SavedSegmentRow,
} from './api';

const SEGMENTS = Object.keys(RFM_SEGMENT_LABELS) as RfmSegment[];
/** 咨询用户 come from the service module's conversations (customers.enquiries.ts on the server). */
const LIFECYCLES: LifecycleType[] = ['enquirer', 'buyer', 'repeat', 'loyal'];
const DAY = 'YYYY-MM-DD';

interface BuilderValues {
  q?: string;
  channels?: string[];
  tags?: string[];
  excludeTags?: string[];
  product?: string;
  rfmSegments?: RfmSegment[];
  lifecycles?: LifecycleType[];
  list?: (typeof SEGMENT_LISTS)[number];
  lastPaid?: [Dayjs | null, Dayjs | null] | null;
  firstPaid?: [Dayjs | null, Dayjs | null] | null;
  paidOrdersMin?: number | null;
  paidOrdersMax?: number | null;
  netMin?: number | null;
  netMax?: number | null;
  hasPhone?: 'yes' | 'no';
  hasEmail?: 'yes' | 'no';
}

const yuanToFen = (v: number | null | undefined) => (v === null || v === undefined ? undefined : Math.round(v * 100));
const day = (d: Dayjs | null | undefined) => (d ? d.format(DAY) : undefined);
const nonEmpty = <T,>(xs: T[] | undefined) => (xs && xs.length ? xs : undefined);

/** The builder's values as the API's rules (empty conditions left out). */
function toRules(shopId: string, v: BuilderValues): SegmentRulesRequest {
  const rules: Record<string, unknown> = {
    shopId,
    q: v.q?.trim() || undefined,
    channels: nonEmpty(v.channels),
    tags: nonEmpty(v.tags),
    excludeTags: nonEmpty(v.excludeTags),
    product: v.product?.trim() || undefined,
    rfmSegments: nonEmpty(v.rfmSegments),
    lifecycles: nonEmpty(v.lifecycles),
    list: v.list,
    lastPaidFrom: day(v.lastPaid?.[0]),
    lastPaidTo: day(v.lastPaid?.[1]),
    firstPaidFrom: day(v.firstPaid?.[0]),
    firstPaidTo: day(v.firstPaid?.[1]),
    paidOrdersMin: v.paidOrdersMin ?? undefined,
    paidOrdersMax: v.paidOrdersMax ?? undefined,
    netFenMin: yuanToFen(v.netMin),
    netFenMax: yuanToFen(v.netMax),
    hasPhone: v.hasPhone === undefined ? undefined : v.hasPhone === 'yes',
    hasEmail: v.hasEmail === undefined ? undefined : v.hasEmail === 'yes',
  };
  for (const k of Object.keys(rules)) if (rules[k] === undefined) delete rules[k];
  return rules as SegmentRulesRequest;
}

/** Saved rules back into the builder's fields. */
function fromRules(r: SegmentRulesRequest): BuilderValues {
  const range = (a?: string, b?: string): [Dayjs | null, Dayjs | null] | null =>
    a || b ? [a ? dayjs(a) : null, b ? dayjs(b) : null] : null;
  const yn = (b?: boolean) => (b === undefined ? undefined : b ? 'yes' : 'no');
  return {
    q: r.q,
    channels: r.channels,
    tags: r.tags,
    excludeTags: r.excludeTags,
    product: r.product,
    rfmSegments: r.rfmSegments,
    lifecycles: r.lifecycles,
    list: r.list,
    lastPaid: range(r.lastPaidFrom, r.lastPaidTo),
    firstPaid: range(r.firstPaidFrom, r.firstPaidTo),
    paidOrdersMin: r.paidOrdersMin ?? null,
    paidOrdersMax: r.paidOrdersMax ?? null,
    netMin: r.netFenMin === undefined ? null : r.netFenMin / 100,
    netMax: r.netFenMax === undefined ? null : r.netFenMax / 100,
    hasPhone: yn(r.hasPhone),
    hasEmail: yn(r.hasEmail),
  };
}

/** 客户分群: build a segment from any profile field, see its live count and members, save, export. */
export function SegmentsPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { can } = useAuth();
  const { shop } = useShop();
  const { message } = App.useApp();
  const onError = useApiError();
  const url = useUrlState();
  const canWrite = can('customers.write');
  const [form] = Form.useForm<BuilderValues>();
  const [saveForm] = Form.useForm<{ name: string; description?: string }>();
  const initialRfm = url.get('rfm');
  const initial: BuilderValues = useMemo(
    () => (initialRfm && (SEGMENTS as string[]).includes(initialRfm) ? { rfmSegments: [initialRfm as RfmSegment] } : {}),
    [initialRfm],
  );
  const [values, setValues] = useState<BuilderValues>(initial);
  const [debounced, setDebounced] = useState<BuilderValues>(initial);
  const [page, setPage] = useState({ page: 1, pageSize: 10 });
  const [editing, setEditing] = useState<SavedSegmentRow | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    const h = setTimeout(() => setDebounced(values), 350);
    return () => clearTimeout(h);
  }, [values]);

  const rules = shop ? toRules(shop.id, debounced) : null;
  const preview = useSegmentPreview(rules ? { rules, ...page } : null);
  const saved = useSegments(shop?.id);
  const save = useSaveSegment();
  const remove = useDeleteSegment();

  const load = (s: SavedSegmentRow) => {
    const v = fromRules(s.rules);
    form.resetFields();
    form.setFieldsValue(v);
    setValues(v);
    setDebounced(v);
    setPage((p) => ({ ...p, page: 1 }));
    setEditing(s);
  };
  const clear = () => {
    form.resetFields();
    form.setFieldsValue(Object.fromEntries(Object.keys(form.getFieldsValue()).map((k) => [k, undefined])));
    setValues({});
    setEditing(null);
  };

  const submitSave = (v: { name: string; description?: string }) => {
    if (!shop) return;
    save.mutate(
      { id: editing?.id, body: { name: v.name, description: v.description ?? '', rules: toRules(shop.id, form.getFieldsValue(true)) } },
      {
        onSuccess: (s) => {
          void message.success(t('customers.segments.saved', { name: s.name }));
          setSaving(false);
          setEditing({ ...s, count: preview.data?.total ?? 0, countCapped: preview.data?.totalCapped ?? false });
        },
        onError: (e) => onError(e, saveForm),
      },
    );
  };

  const memberColumns: TableProps<CustomerSummary>['columns'] = [
    {
      title: t('customers.fields.customer'),
      key: 'nick',
      width: 180,
      render: (_, c) => (
        <Space direction="vertical" size={0}>
          <Link to={`/customers/${c.id}`}>{c.nick || c.name || c.phone || c.id}</Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {labels.channel(c.channel)}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('customers.fields.phone'), dataIndex: 'phone', key: 'phone', width: 120, render: (v: string) => v || NO_VALUE },
    { title: t('customers.fields.paidOrders'), dataIndex: 'paidOrders', key: 'po', width: 90, align: 'right', render: formatCount },
    { title: t('customers.fields.paid'), dataIndex: 'paidFen', key: 'paid', width: 110, align: 'right', render: formatMoney },
    {
      title: t('customers.fields.lastPaid'),
      dataIndex: 'lastPaidDay',
      key: 'last',
      width: 110,
      render: (v: string | null) => v ?? NO_VALUE,
    },
    {
      title: t('customers.fields.tags'),
      dataIndex: 'tags',
      key: 'tags',
      render: (tags: string[]) => (tags.length ? tags.map((x) => <Tag key={x}>{x}</Tag>) : NO_VALUE),
    },
  ];

  const savedColumns: TableProps<SavedSegmentRow>['columns'] = [
    {
      title: t('customers.segments.name'),
      dataIndex: 'name',
      key: 'name',
      render: (v: string, s) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{v}</Typography.Text>
          {s.description ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {s.description}
            </Typography.Text>
          ) : null}
        </Space>
      ),
    },
    {
      title: t('customers.segments.count'),
      key: 'count',
      width: 120,
      align: 'right',
      render: (_, s) => <span data-testid={`segment-count-${s.name}`}>{formatListCount(s.count)}</span>,
    },
    {
      title: t('customers.segments.updatedAt'),
      dataIndex: 'updatedAt',
      key: 'updated',
      width: 170,
      render: (v: number) => formatDateTime(v),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 260,
      render: (_, s) => (
        <Space size={4}>
          <Button size="small" type="link" onClick={() => load(s)} data-testid={`segment-load-${s.name}`}>
            {t('customers.segments.load')}
          </Button>
          {canWrite ? (
            <Link to={`/outreach?segment=${encodeURIComponent(s.id)}`} data-testid={`segment-send-${s.name}`}>
              {t('customers.segments.send')}
            </Link>
          ) : null}
          <Dropdown
            menu={{
              items: [
                { key: 'csv', label: <a href={segmentExportUrl(s.id, 'csv')}>{t('customers.actions.exportCsv')}</a> },
                { key: 'xlsx', label: <a href={segmentExportUrl(s.id, 'xlsx')}>{t('customers.actions.exportXlsx')}</a> },
              ],
            }}
          >
            <Button size="small" type="link" icon={<DownloadOutlined />}>
              {t('customers.actions.export')}
            </Button>
          </Dropdown>
          {canWrite ? (
            <Popconfirm
              title={t('customers.segments.deleteConfirm', { name: s.name })}
              onConfirm={() =>
                remove.mutate(s.id, {
                  onSuccess: () => {
                    if (editing?.id === s.id) setEditing(null);
                    void message.success(t('customers.segments.deleted', { name: s.name }));
                  },
                  onError: (e) => onError(e),
                })
              }
            >
              <Button size="small" type="link" danger>
                {t('common.delete')}
              </Button>
            </Popconfirm>
          ) : null}
        </Space>
      ),
    },
  ];

  if (!shop)
    return (
      <PageContainer title={t('customers.segments.title')}>
        <Alert type="info" showIcon message={t('customers.segments.pickShop')} data-testid="segments-pick-shop" />
      </PageContainer>
    );

  const rangePlaceholder: [string, string] = [t('customers.segments.from'), t('customers.segments.to')];
  return (
    <PageContainer
      title={t('customers.segments.title')}
      extra={
        <>
          <Button icon={<ClearOutlined />} onClick={clear}>
            {t('customers.segments.clear')}
          </Button>
          {canWrite ? (
            <Button
              type="primary"
              icon={<SaveOutlined />}
              onClick={() => {
                saveForm.setFieldsValue({ name: editing?.name ?? '', description: editing?.description ?? '' });
                setSaving(true);
              }}
              data-testid="segment-save"
            >
              {editing ? t('customers.segments.saveChanges') : t('customers.segments.save')}
            </Button>
          ) : null}
        </>
      }
    >
      <Row gutter={16}>
        <Col span={9}>
          <Card size="small" title={editing ? t('customers.segments.editing', { name: editing.name }) : t('customers.segments.builder')}>
            <Form<BuilderValues>
              form={form}
              layout="vertical"
              size="small"
              initialValues={initial}
              onValuesChange={(_, all) => {
                setValues(all);
                setPage((p) => ({ ...p, page: 1 }));
              }}
              data-testid="segment-builder"
            >
              <Row gutter={8}>
                <Col span={12}>
                  <Form.Item name="rfmSegments" label={t('customers.segments.rfm')}>
                    <Select
                      mode="multiple"
                      allowClear
                      maxTagCount="responsive"
                      options={SEGMENTS.map((s) => ({ value: s, label: labels.text(RFM_SEGMENT_LABELS[s]) }))}
                      data-testid="segment-rfm"
                    />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="lifecycles" label={t('customers.segments.lifecycle')}>
                    <Select
                      mode="multiple"
                      allowClear
                      maxTagCount="responsive"
                      options={LIFECYCLES.map((l) => ({ value: l, label: labels.text(LIFECYCLE_LABELS[l]) }))}
                    />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="list" label={t('customers.segments.list')}>
                    <Select allowClear options={SEGMENT_LISTS.map((l) => ({ value: l, label: t(`customers.lists.${l}`) }))} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="channels" label={t('customers.fields.channel')}>
                    <Select
                      mode="multiple"
                      allowClear
                      maxTagCount="responsive"
                      options={CHANNELS.map((c) => ({ value: c, label: labels.channel(c) }))}
                    />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="tags" label={t('customers.segments.tags')}>
                    <Select mode="tags" allowClear maxTagCount="responsive" open={false} placeholder={t('customers.segments.tagsHint')} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="excludeTags" label={t('customers.segments.excludeTags')}>
                    <Select mode="tags" allowClear maxTagCount="responsive" open={false} placeholder={t('customers.segments.tagsHint')} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="product" label={t('customers.segments.product')}>
                    <Input allowClear maxLength={80} placeholder={t('customers.segments.productHint')} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="q" label={t('customers.segments.q')}>
                    <Input allowClear maxLength={80} />
                  </Form.Item>
                </Col>
                <Col span={24}>
                  <Form.Item name="lastPaid" label={t('customers.segments.lastPaid')}>
                    <DatePicker.RangePicker allowEmpty={[true, true]} style={{ width: '100%' }} placeholder={rangePlaceholder} />
                  </Form.Item>
                </Col>
                <Col span={24}>
                  <Form.Item name="firstPaid" label={t('customers.segments.firstPaid')}>
                    <DatePicker.RangePicker allowEmpty={[true, true]} style={{ width: '100%' }} placeholder={rangePlaceholder} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item label={t('customers.segments.paidOrders')} style={{ marginBottom: 0 }}>
                    <Space.Compact style={{ width: '100%' }}>
                      <Form.Item name="paidOrdersMin" noStyle>
                        <InputNumber min={0} precision={0} placeholder={t('customers.segments.min')} style={{ width: '50%' }} />
                      </Form.Item>
                      <Form.Item name="paidOrdersMax" noStyle>
                        <InputNumber min={0} precision={0} placeholder={t('customers.segments.max')} style={{ width: '50%' }} />
                      </Form.Item>
                    </Space.Compact>
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item label={t('customers.segments.net')} style={{ marginBottom: 0 }}>
                    <Space.Compact style={{ width: '100%' }}>
                      <Form.Item name="netMin" noStyle>
                        <InputNumber min={0} precision={2} placeholder={t('customers.segments.min')} style={{ width: '50%' }} />
                      </Form.Item>
                      <Form.Item name="netMax" noStyle>
                        <InputNumber min={0} precision={2} placeholder={t('customers.segments.max')} style={{ width: '50%' }} />
                      </Form.Item>
                    </Space.Compact>
                  </Form.Item>
                </Col>
                <Col span={12} style={{ marginTop: 16 }}>
                  <Form.Item name="hasPhone" label={t('customers.fields.phone')}>
                    <Select
                      allowClear
                      options={[
                        { value: 'yes', label: t('customers.segments.known') },
                        { value: 'no', label: t('customers.segments.unknown') },
                      ]}
                    />
                  </Form.Item>
                </Col>
                <Col span={12} style={{ marginTop: 16 }}>
                  <Form.Item name="hasEmail" label={t('customers.fields.email')}>
                    <Select
                      allowClear
                      options={[
                        { value: 'yes', label: t('customers.segments.known') },
                        { value: 'no', label: t('customers.segments.unknown') },
                      ]}
                    />
                  </Form.Item>
                </Col>
              </Row>
            </Form>
          </Card>
        </Col>
        <Col span={15}>
          <Card size="small" title={t('customers.segments.preview')}>
            {preview.isError ? (
              <Alert type="error" showIcon message={(preview.error as Error).message} style={{ marginBottom: 12 }} />
            ) : null}
            <Space size={32} style={{ marginBottom: 12 }}>
              <Statistic
                title={t('customers.segments.matching')}
                value={preview.data ? formatListCount(preview.data.total) : NO_VALUE}
                suffix={t('customers.segments.people')}
                loading={preview.isLoading}
                valueRender={(node) => <span data-testid="segment-total">{node}</span>}
              />
              {preview.data ? (
                <Typography.Text type="secondary">{t('customers.segments.asOf', { day: preview.data.asOf })}</Typography.Text>
              ) : null}
            </Space>
            <Table<CustomerSummary>
              rowKey="id"
              size="small"
              columns={memberColumns}
              dataSource={preview.data?.items ?? []}
              loading={preview.isFetching}
              scroll={{ x: 720 }}
              locale={{ emptyText: t('customers.empty') }}
              pagination={{
                current: page.page,
                pageSize: page.pageSize,
                total: Math.min(preview.data?.total ?? 0, 10_000),
                showSizeChanger: true,
                pageSizeOptions: [10, 20, 50],
                onChange: (p, s) => setPage({ page: s !== page.pageSize ? 1 : p, pageSize: s }),
              }}
              data-testid="segment-members"
            />
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('customers.segments.savedTitle')} style={{ marginTop: 16 }}>
        <Table<SavedSegmentRow>
          rowKey="id"
          size="small"
          columns={savedColumns}
          dataSource={saved.data?.items ?? []}
          loading={saved.isLoading}
          pagination={false}
          locale={{ emptyText: t('customers.segments.none') }}
          data-testid="segments-saved"
        />
      </Card>
      <SaveModal
        open={saving}
        title={editing ? t('customers.segments.saveChanges') : t('customers.segments.save')}
        form={saveForm}
        saving={save.isPending}
        onClose={() => setSaving(false)}
        submitTestId="segment-save-ok"
      >
        <Form form={saveForm} layout="vertical" onFinish={submitSave} preserve={false}>
          <Form.Item
            name="name"
            label={t('customers.segments.name')}
            rules={[{ required: true, whitespace: true, message: t('customers.segments.nameRequired') }]}
          >
            <Input maxLength={60} data-testid="segment-name" />
          </Form.Item>
          <Form.Item name="description" label={t('customers.segments.description')}>
            <Input.TextArea maxLength={500} rows={2} />
          </Form.Item>
          <Typography.Text type="secondary">
            {t('customers.segments.saveHint', { n: preview.data ? formatListCount(preview.data.total) : NO_VALUE })}
          </Typography.Text>
        </Form>
      </SaveModal>
    </PageContainer>
  );
}
