import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Checkbox,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Rate,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  type TableProps,
} from 'antd';
import { EditOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { REVIEW_FORMATS, REVIEW_OUTCOMES, REVIEW_STATUSES, type ReviewListRequest } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatDateTime } from '../../components/format';
import { FilePick } from '../../components/ImportPreview';
import { PagedTable } from '../../components/PagedTable';
import { PageContainer } from '../../components/PageContainer';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import {
  useBatchFollowup,
  useCreateReview,
  useImportReviews,
  useKeywords,
  useReviews,
  useTemplates,
  type Review,
  type ReviewImportSummary,
} from './api';

const LEVEL_COLOR = { bad: 'red', neutral: 'orange', good: 'green' } as const;

export function ImportErrors({ rows }: { rows: ReviewImportSummary['errorRows'] }) {
  const { t } = useTranslation();
  if (!rows.length) return null;
  return (
    <Table
      size="small"
      rowKey={(r) => `${r.rowNo}-${r.column}`}
      dataSource={rows}
      pagination={{ pageSize: 10 }}
      data-testid="import-errors"
      columns={[
        { title: t('reviews.errRow'), dataIndex: 'rowNo', width: 70 },
        { title: t('reviews.errColumn'), dataIndex: 'column', width: 110 },
        { title: t('reviews.errValue'), dataIndex: 'value', width: 140, ellipsis: true },
        { title: t('reviews.errReason'), dataIndex: 'reason' },
      ]}
    />
  );
}

function ImportModal({ shopId, open, onClose }: { shopId: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [format, setFormat] = useState<string>('taobao');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ReviewImportSummary | null>(null);
  const run = useImportReviews();
  const apiError = useApiError();
  const { message } = App.useApp();
  const submit = () => {
    if (!file) return void message.warning(t('reviews.needFile'));
    const form = new FormData();
    form.set('shopId', shopId);
    form.set('format', format);
    form.set('file', file);
    run.mutate(form, { onSuccess: setResult, onError: (e) => apiError(e) });
  };
  return (
    <Modal
      open={open}
      title={t('reviews.import')}
      width={760}
      onCancel={() => {
        setResult(null);
        setFile(null);
        onClose();
      }}
      footer={null}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }} size="middle">
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('reviews.importHint')}
        </Typography.Paragraph>
        <Space wrap>
          <Select
            value={format}
            onChange={setFormat}
            style={{ width: 160 }}
            options={REVIEW_FORMATS.map((f) => ({ value: f, label: t(`reviews.formats.${f}`) }))}
            data-testid="review-import-format"
          />
          <FilePick file={file} onChange={setFile} testId="review-import-file" label={t('reviews.chooseFile')} />
          <Button type="primary" loading={run.isPending} onClick={submit} data-testid="review-import-submit">
            {t('reviews.startImport')}
          </Button>
        </Space>
        {result ? (
          <>
            <Alert
              type={result.errors ? 'warning' : 'success'}
              showIcon
              message={t('reviews.result', {
                created: result.created,
                updated: result.updated,
                unchanged: result.unchanged,
                alerts: result.alerts,
                errors: result.errors,
              })}
              data-testid="review-import-result"
            />
            <ImportErrors rows={result.errorRows} />
          </>
        ) : null}
      </Space>
    </Modal>
  );
}

function CreateModal({ shopId, open, onClose }: { shopId: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const create = useCreateReview();
  const apiError = useApiError();
  const submit = (v: Record<string, unknown>) =>
    create.mutate({ shopId, ...v, rating: Number(v.rating ?? 5) } as never, {
      onSuccess: () => {
        form.resetFields();
        onClose();
      },
      onError: (e) => apiError(e, form),
    });
  const dsr = (name: string) => (
    <Form.Item name={name} label={t(`reviews.form.${name}`)} style={{ marginBottom: 8 }}>
      <Rate />
    </Form.Item>
  );
  return (
    <Modal
      open={open}
      title={t('reviews.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ rating: 5, imageCount: 0 }}>
        <Form.Item name="rating" label={t('reviews.form.rating')} rules={[{ required: true }]}>
          <Rate />
        </Form.Item>
        <Form.Item name="content" label={t('reviews.form.content')}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Flex gap={12}>
          <Form.Item name="productTitle" label={t('reviews.form.productTitle')} style={{ flex: 1 }}>
            <Input maxLength={300} />
          </Form.Item>
          <Form.Item name="skuText" label={t('reviews.form.skuText')} style={{ flex: 1 }}>
            <Input maxLength={300} />
          </Form.Item>
        </Flex>
        <Flex gap={12}>
          <Form.Item name="orderNo" label={t('reviews.form.orderNo')} style={{ flex: 1 }}>
            <Input maxLength={80} />
          </Form.Item>
          <Form.Item name="buyerNick" label={t('reviews.form.buyerNick')} style={{ flex: 1 }}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="imageCount" label={t('reviews.form.imageCount')}>
            <InputNumber min={0} max={99} />
          </Form.Item>
        </Flex>
        <Form.Item name="appendContent" label={t('reviews.form.appendContent')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Flex gap={12} wrap>
          {dsr('dsrDesc')}
          {dsr('dsrService')}
          {dsr('dsrLogistics')}
        </Flex>
      </Form>
    </Modal>
  );
}

/** 评价管理: the shop's reviews with filters, selection and batch steps; import and hand entry. */
export function ReviewsPage() {
  const { t } = useTranslation();
  const { shop } = useShop();
  const { can } = useAuth();
  const url = useUrlState();
  const [importing, setImporting] = useState(false);
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const [template, setTemplate] = useState<string | undefined>();
  const [outcome, setOutcome] = useState<string | undefined>();
  const templates = useTemplates();
  const keywords = useKeywords();
  const batch = useBatchFollowup();
  const apiError = useApiError();
  const { message } = App.useApp();
  const q: Partial<ReviewListRequest> = {
    shopId: shop?.id,
    level: url.get('level') as ReviewListRequest['level'],
    status: url.get('status') as ReviewListRequest['status'],
    overdue: url.get('overdue') ? '1' : undefined,
    tag: url.get('tag'),
    q: url.get('q'),
    productTitle: url.get('product'),
    page: url.page,
    pageSize: url.pageSize,
  };
  const list = useReviews(q);
  const write = can('reviews.write');

  const runBatch = (body: { action: 'reply' | 'close'; reply?: string; outcome?: string }) =>
    batch.mutate({ ids: selected, ...body } as never, {
      onSuccess: (r) => {
        message.info(t('reviews.batchDone', { done: r.done, failed: r.failed.length }));
        setSelected([]);
      },
      onError: (e) => apiError(e),
    });

  const columns: TableProps<Review>['columns'] = [
    { title: t('reviews.col.time'), dataIndex: 'reviewedAt', width: 150, render: (v: number) => formatDateTime(v) },
    {
      title: t('reviews.col.product'),
      key: 'product',
      width: 180,
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Typography.Text ellipsis style={{ maxWidth: 170 }}>
            {r.productTitle || '—'}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.skuText}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('reviews.col.buyer'), dataIndex: 'buyerNick', width: 110, ellipsis: true },
    {
      title: t('reviews.col.rating'),
      key: 'rating',
      width: 190,
      render: (_, r) => (
        <Space size={4} wrap={false}>
          <Rate disabled value={r.rating} style={{ fontSize: 12, whiteSpace: 'nowrap' }} />
          <Tag color={LEVEL_COLOR[r.level]}>{t(`reviews.levels.${r.level}`)}</Tag>
        </Space>
      ),
    },
    {
      title: t('reviews.col.content'),
      key: 'content',
      render: (_, r) => (
        <Space direction="vertical" size={2}>
          <Typography.Text>{r.content || '—'}</Typography.Text>
          {r.appendContent ? <Typography.Text type="secondary">{`${t('reviews.append')}：${r.appendContent}`}</Typography.Text> : null}
          <Space size={4} wrap>
            {r.tags.map((tag) => (
              <Tag key={tag} color="volcano">
                {tag}
              </Tag>
            ))}
            {r.imageCount ? <Tag>{t('reviews.images', { n: r.imageCount })}</Tag> : null}
          </Space>
        </Space>
      ),
    },
    {
      title: t('reviews.col.dsr'),
      key: 'dsr',
      width: 110,
      render: (_, r) => [r.dsrDesc, r.dsrService, r.dsrLogistics].map((x) => x ?? '—').join(' / '),
    },
    {
      title: t('reviews.col.status'),
      key: 'status',
      width: 120,
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Tag
            color={r.status === 'open' ? 'red' : r.status === 'closed' || r.status === 'none' ? 'default' : 'blue'}
            data-testid="review-status"
          >
            {t(`reviews.statuses.${r.status}`)}
          </Tag>
          {r.overdue ? <Tag color="red">{t('reviews.overdue')}</Tag> : null}
        </Space>
      ),
    },
    {
      title: t('reviews.col.op'),
      key: 'op',
      width: 70,
      render: (_, r) => (
        <Link to={`/reviews/${r.id}`} data-testid="review-followup-link">
          {t('reviews.followUp')}
        </Link>
      ),
    },
  ];

  return (
    <PageContainer
      title={t('reviews.title')}
      extra={
        shop && write ? (
          <>
            <Button icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="review-import-open">
              {t('reviews.import')}
            </Button>
            <Button icon={<EditOutlined />} onClick={() => setCreating(true)} data-testid="review-create-open">
              {t('reviews.create')}
            </Button>
          </>
        ) : null
      }
    >
      {!shop ? <Alert type="info" showIcon message={t('reviews.pickShop')} style={{ marginBottom: 12 }} /> : null}
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder={t('reviews.filters.level')}
          value={q.level}
          onChange={(v) => url.patch({ level: v })}
          style={{ width: 120 }}
          options={(['negative', 'bad', 'neutral', 'good'] as const).map((l) => ({ value: l, label: t(`reviews.levels.${l}`) }))}
          data-testid="review-filter-level"
        />
        <Select
          allowClear
          placeholder={t('reviews.filters.status')}
          value={q.status}
          onChange={(v) => url.patch({ status: v })}
          style={{ width: 130 }}
          options={REVIEW_STATUSES.map((s) => ({ value: s, label: t(`reviews.statuses.${s}`) }))}
        />
        <Select
          allowClear
          placeholder={t('reviews.filters.tag')}
          value={q.tag}
          onChange={(v) => url.patch({ tag: v })}
          style={{ width: 120 }}
          options={(keywords.data?.items ?? []).map((k) => ({ value: k.tag, label: k.tag }))}
        />
        <Input.Search
          allowClear
          placeholder={t('reviews.filters.q')}
          defaultValue={q.q}
          onSearch={(v) => url.patch({ q: v || undefined })}
          style={{ width: 260 }}
        />
        <Checkbox checked={!!q.overdue} onChange={(e) => url.patch({ overdue: e.target.checked ? '1' : undefined })}>
          {t('reviews.filters.overdue')}
        </Checkbox>
        {q.productTitle ? (
          <Tag closable onClose={() => url.patch({ product: undefined })}>
            {q.productTitle}
          </Tag>
        ) : null}
      </Flex>
      {write && selected.length ? (
        <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }} data-testid="review-batch-bar">
          <Typography.Text>{t('reviews.selected', { n: selected.length })}</Typography.Text>
          <Select
            placeholder={t('reviews.template')}
            value={template}
            onChange={setTemplate}
            style={{ width: 160 }}
            options={(templates.data?.items ?? []).map((x) => ({ value: x.text, label: x.title }))}
          />
          <Button disabled={!template} loading={batch.isPending} onClick={() => runBatch({ action: 'reply', reply: template! })}>
            {t('reviews.batchReply')}
          </Button>
          <Select
            placeholder={t('reviews.outcome')}
            value={outcome}
            onChange={setOutcome}
            style={{ width: 180 }}
            options={REVIEW_OUTCOMES.map((o) => ({ value: o, label: t(`reviews.outcomes.${o}`) }))}
          />
          <Button disabled={!outcome} loading={batch.isPending} onClick={() => runBatch({ action: 'close', outcome: outcome! })}>
            {t('reviews.batchClose')}
          </Button>
        </Flex>
      ) : null}
      <PagedTable<Review>
        query={list}
        url={url}
        rowKey="id"
        columns={columns}
        emptyText={t('reviews.empty')}
        rowSelection={write ? { selectedRowKeys: selected, onChange: (k) => setSelected(k as string[]) } : undefined}
        scroll={{ x: 1100 }}
        data-testid="reviews-table"
      />
      {shop ? <ImportModal shopId={shop.id} open={importing} onClose={() => setImporting(false)} /> : null}
      {shop ? <CreateModal shopId={shop.id} open={creating} onClose={() => setCreating(false)} /> : null}
    </PageContainer>
  );
}
