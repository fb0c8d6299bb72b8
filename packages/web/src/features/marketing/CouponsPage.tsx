import { useState } from 'react';
import type { ButtonProps } from 'antd';
import {
  Alert,
  App,
  Button,
  Checkbox,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Tag,
  Typography,
  type TableProps,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { CHANNELS, RFM_SEGMENT_LABELS, type CouponTemplateRequest, type CouponTemplateSummary } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatMoney } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { PagedTable } from '../../components/PagedTable';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { SkuPicker } from '../inventory/pickers';
import { useSegments } from '../customers/api';
import { useCouponTemplates, useCreateTemplate, useIssueCoupons, useStopTemplate } from './api';

interface TemplateForm {
  name: string;
  kind: 'amount' | 'percent';
  thresholdYuan?: number;
  amountYuan?: number;
  zhe?: number;
  capYuan?: number;
  validityType: 'fixed' | 'relative';
  window?: [Dayjs, Dayjs];
  days?: number;
  totalLimit: number;
  perCustomerLimit: number;
  code?: string;
  returnOnRefund: boolean;
  channel?: string;
  skuIds?: string[];
}

function toRequest(shopId: string, v: TemplateForm): CouponTemplateRequest {
  return {
    shopId,
    name: v.name,
    kind: v.kind,
    thresholdFen: Math.round((v.thresholdYuan ?? 0) * 100),
    amountFen: v.kind === 'amount' ? Math.round((v.amountYuan ?? 0) * 100) : 0,
    offBp: v.kind === 'percent' ? Math.round((10 - (v.zhe ?? 10)) * 1000) : 0,
    ...(v.kind === 'percent' && v.capYuan ? { capFen: Math.round(v.capYuan * 100) } : {}),
    scope: v.skuIds?.length ? { skuIds: v.skuIds } : {},
    ...(v.channel ? { channel: v.channel as CouponTemplateRequest['channel'] } : {}),
    validity:
      v.validityType === 'relative'
        ? { type: 'relative', days: v.days ?? 7 }
        : {
            type: 'fixed',
            startsAt: (v.window?.[0] ?? dayjs()).toISOString(),
            endsAt: (v.window?.[1] ?? dayjs().add(7, 'day')).toISOString(),
          },
    totalLimit: v.totalLimit,
    perCustomerLimit: v.perCustomerLimit,
    ...(v.code ? { code: v.code } : {}),
    returnOnRefund: v.returnOnRefund,
  };
}

function CreateModal({ shopId, open, onClose }: { shopId: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<TemplateForm>();
  const kind = Form.useWatch('kind', form);
  const validityType = Form.useWatch('validityType', form);
  const create = useCreateTemplate();
  const submit = (v: TemplateForm) =>
    create.mutate(toRequest(shopId, v), {
      onSuccess: () => {
        void message.success(t('marketing.coupons.created'));
        form.resetFields();
        onClose();
      },
      onError: (e) => onError(e, form),
    });
  return (
    <Modal
      open={open}
      onCancel={onClose}
      width={760}
      title={t('marketing.coupons.create')}
      onOk={() => form.submit()}
      okButtonProps={{ loading: create.isPending, 'data-testid': 'coupon-save' } as ButtonProps}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{
          kind: 'amount',
          validityType: 'relative',
          days: 7,
          totalLimit: 1000,
          perCustomerLimit: 1,
          returnOnRefund: true,
          thresholdYuan: 0,
        }}
      >
        <Space wrap align="start">
          <Form.Item name="name" label={t('marketing.coupons.fields.name')} rules={[{ required: true, message: '请填写优惠券名称' }]}>
            <Input style={{ width: 240 }} maxLength={80} data-testid="coupon-name" />
          </Form.Item>
          <Form.Item name="kind" label={t('marketing.coupons.fields.kind')}>
            <Radio.Group
              options={[
                { value: 'amount', label: t('marketing.coupons.fields.amount') },
                { value: 'percent', label: t('marketing.coupons.fields.percent') },
              ]}
            />
          </Form.Item>
        </Space>
        <Space wrap align="start">
          <Form.Item name="thresholdYuan" label={t('marketing.coupons.fields.threshold')}>
            <InputNumber min={0} precision={2} style={{ width: 150 }} data-testid="coupon-threshold" />
          </Form.Item>
          {kind === 'percent' ? (
            <>
              <Form.Item name="zhe" label={t('marketing.coupons.fields.zhe')} rules={[{ required: true }]}>
                <InputNumber min={0.1} max={9.9} step={0.5} precision={2} />
              </Form.Item>
              <Form.Item name="capYuan" label={t('marketing.coupons.fields.cap')}>
                <InputNumber min={0.01} precision={2} />
              </Form.Item>
            </>
          ) : (
            <Form.Item
              name="amountYuan"
              label={t('marketing.coupons.fields.amountYuan')}
              rules={[{ required: true, message: '请填写面额' }]}
            >
              <InputNumber min={0.01} precision={2} style={{ width: 130 }} data-testid="coupon-amount" />
            </Form.Item>
          )}
        </Space>
        <Space wrap align="start">
          <Form.Item name="validityType" label={t('marketing.coupons.fields.validity')}>
            <Radio.Group
              options={[
                { value: 'relative', label: t('marketing.coupons.fields.relativeDays') },
                { value: 'fixed', label: t('marketing.coupons.fields.fixed') },
              ]}
            />
          </Form.Item>
          {validityType === 'fixed' ? (
            <Form.Item name="window" label=" " rules={[{ required: true, message: '请选择有效期' }]}>
              <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
            </Form.Item>
          ) : (
            <Form.Item name="days" label={t('marketing.coupons.fields.days')}>
              <InputNumber min={1} max={365} />
            </Form.Item>
          )}
        </Space>
        <Space wrap align="start">
          <Form.Item name="totalLimit" label={t('marketing.coupons.fields.totalLimit')}>
            <InputNumber min={1} max={10000000} />
          </Form.Item>
          <Form.Item name="perCustomerLimit" label={t('marketing.coupons.fields.perCustomerLimit')}>
            <InputNumber min={1} max={100} />
          </Form.Item>
          <Form.Item name="code" label={t('marketing.coupons.fields.code')}>
            <Input style={{ width: 200 }} maxLength={40} data-testid="coupon-code" />
          </Form.Item>
          <Form.Item name="channel" label={t('marketing.coupons.fields.channel')}>
            <Select allowClear style={{ width: 140 }} options={CHANNELS.map((c) => ({ value: c, label: labels.channel(c) }))} />
          </Form.Item>
        </Space>
        <Form.Item name="skuIds" label={t('marketing.coupons.fields.scopeSkus')}>
          <SkuPicker multiple style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="returnOnRefund" valuePropName="checked">
          <Checkbox>{t('marketing.coupons.fields.returnOnRefund')}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}

function IssueModal({ template, onClose }: { template: CouponTemplateSummary | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<{ buyers?: string; segment?: string; savedSegmentId?: string }>();
  const issue = useIssueCoupons();
  const saved = useSegments(template?.shopId);
  return (
    <Modal
      open={!!template}
      onCancel={onClose}
      title={template ? t('marketing.coupons.issueTitle', { name: template.name }) : ''}
      onOk={() => form.submit()}
      okButtonProps={{ loading: issue.isPending }}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) =>
          issue.mutate(
            {
              id: template!.id,
              buyers: (v.buyers ?? '')
                .split(/\n|,|，/)
                .map((s) => s.trim())
                .filter(Boolean),
              ...(v.segment ? { segment: v.segment } : {}),
              ...(v.savedSegmentId ? { savedSegmentId: v.savedSegmentId } : {}),
            },
            {
              onSuccess: (r) => {
                void message.success(
                  t('marketing.coupons.issued', { n: r.issued }) +
                    (r.refusedCount
                      ? t('marketing.coupons.refused', {
                          n: r.refusedCount,
                          reasons: r.refused
                            .slice(0, 3)
                            .map((x) => x.reason)
                            .join('；'),
                        })
                      : ''),
                );
                form.resetFields();
                onClose();
              },
              onError: (e) => onError(e, form),
            },
          )
        }
      >
        <Form.Item name="buyers" label={t('marketing.coupons.buyers')}>
          <Input.TextArea rows={4} />
        </Form.Item>
        <Form.Item name="segment" label={t('marketing.coupons.segment')}>
          <Select allowClear options={Object.entries(RFM_SEGMENT_LABELS).map(([k, v]) => ({ value: k, label: v.zh }))} />
        </Form.Item>
        <Form.Item name="savedSegmentId" label={t('marketing.coupons.savedSegment')}>
          <Select allowClear options={(saved.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Coupon templates with their usage statistics; create, issue (buyers or a segment), stop. */
export function CouponsPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { can } = useAuth();
  const { shop } = useShop();
  const { message } = App.useApp();
  const onError = useApiError();
  const url = useUrlState();
  const query = useCouponTemplates({ shopId: shop?.id, page: url.page, pageSize: url.pageSize });
  const [creating, setCreating] = useState(false);
  const [issuing, setIssuing] = useState<CouponTemplateSummary | null>(null);
  const stop = useStopTemplate();
  const canWrite = can('marketing.write');
  const columns: TableProps<CouponTemplateSummary>['columns'] = [
    {
      title: t('marketing.coupons.cols.name'),
      key: 'name',
      render: (_, c) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{c.name}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {c.channel ? labels.channel(c.channel) : ''}{' '}
            {c.scope.skuIds?.length ? t('marketing.coupons.skuCount', { n: c.scope.skuIds.length }) : t('marketing.coupons.wholeShop')}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('marketing.coupons.cols.value'), dataIndex: 'summary', key: 'summary' },
    {
      title: t('marketing.coupons.cols.validity'),
      key: 'validity',
      render: (_, c) =>
        c.validity.type === 'relative'
          ? t('marketing.coupons.relative', { days: c.validity.days })
          : `${c.validity.startsAt.slice(0, 10)} 至 ${c.validity.endsAt.slice(0, 10)}`,
    },
    { title: t('marketing.coupons.cols.limits'), key: 'limits', render: (_, c) => `${c.totalLimit} / ${c.perCustomerLimit}` },
    { title: t('marketing.coupons.cols.code'), dataIndex: 'code', key: 'code', render: (v: string | null) => v ?? '—' },
    {
      title: t('marketing.coupons.cols.usage'),
      key: 'usage',
      render: (_, c) => (
        <span data-testid={`coupon-usage-${c.name}`}>
          {c.issued} / {c.used} / {c.released}
        </span>
      ),
    },
    { title: t('marketing.coupons.cols.cost'), dataIndex: 'discountFen', key: 'cost', align: 'right', render: formatMoney },
    { title: t('marketing.coupons.cols.sales'), dataIndex: 'ordersGoodsFen', key: 'sales', align: 'right', render: formatMoney },
    {
      title: t('marketing.coupons.cols.status'),
      key: 'status',
      render: (_, c) => <Tag color={c.status === 'active' ? 'green' : 'default'}>{t(`marketing.coupons.${c.status}`)}</Tag>,
    },
    {
      key: 'actions',
      render: (_, c) =>
        canWrite && c.status === 'active' ? (
          <Space size={4}>
            <Button size="small" type="link" onClick={() => setIssuing(c)}>
              {t('marketing.coupons.issue')}
            </Button>
            <Button
              size="small"
              type="link"
              danger
              onClick={() =>
                stop.mutate(c.id, { onSuccess: () => void message.success(t('marketing.coupons.stopped')), onError: (e) => onError(e) })
              }
            >
              {t('marketing.coupons.stop')}
            </Button>
          </Space>
        ) : null,
    },
  ];
  return (
    <PageContainer
      title={t('marketing.coupons.title')}
      extra={
        canWrite && shop ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="coupon-create">
            {t('marketing.coupons.create')}
          </Button>
        ) : null
      }
    >
      {!shop ? <Alert type="info" showIcon message={t('marketing.pickShop')} style={{ marginBottom: 12 }} /> : null}
      <PagedTable<CouponTemplateSummary>
        data-testid="coupons-table"
        rowKey="id"
        query={query}
        url={url}
        emptyText={t('marketing.coupons.empty')}
        columns={columns}
        scroll={{ x: 1100 }}
      />
      {shop ? <CreateModal shopId={shop.id} open={creating} onClose={() => setCreating(false)} /> : null}
      <IssueModal template={issuing} onClose={() => setIssuing(null)} />
    </PageContainer>
  );
}
