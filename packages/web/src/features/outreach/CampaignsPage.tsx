import { useState } from 'react';
import { App, Button, Form, Input, Radio, Select, Space, Table, Tag, Tooltip, Typography, type TableProps } from 'antd';
import { PlusOutlined, SendOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { TEMPLATE_VARIABLES, type CampaignRequest } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatCount, formatDateTime, formatListCount } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { SaveModal } from '../../components/SaveModal';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { useSegments } from '../customers/api';
import { useCampaigns, useCreateCampaign, type Campaign, type CampaignStatus } from './api';

export const STATUS_COLORS: Record<CampaignStatus, string> = {
  queued: 'default',
  sending: 'processing',
  waiting: 'warning',
  done: 'success',
  failed: 'error',
};

/** 触达活动: messages to a saved segment by email or SMS, with their delivery counts. */
export function CampaignsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { shop } = useShop();
  const { message } = App.useApp();
  const onError = useApiError();
  const url = useUrlState();
  const query = useCampaigns({ page: url.page, pageSize: url.pageSize, shopId: shop?.id });
  const segments = useSegments(shop?.id);
  const create = useCreateCampaign();
  const [open, setOpen] = useState(url.get('segment') !== undefined);
  const [form] = Form.useForm<CampaignRequest>();
  const channel = Form.useWatch('channel', form) ?? 'email';

  const submit = (v: CampaignRequest) =>
    create.mutate(v, {
      onSuccess: (c) => {
        void message.success(t('outreach.created', { segment: c.segmentName }));
        setOpen(false);
        url.patch({ segment: undefined });
      },
      onError: (e) => onError(e, form),
    });

  const columns: TableProps<Campaign>['columns'] = [
    {
      title: t('outreach.fields.campaign'),
      key: 'name',
      render: (_, c) => (
        <Space direction="vertical" size={0}>
          <Link to={`/outreach/${c.id}`} data-testid={`campaign-link-${c.segmentName}`}>
            {c.channel === 'email' ? c.subject : c.body.slice(0, 30)}
          </Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('outreach.toSegment', { segment: c.segmentName })}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('outreach.fields.channel'),
      dataIndex: 'channel',
      key: 'channel',
      width: 90,
      render: (v: string) => t(`outreach.channels.${v}`),
    },
    {
      title: t('outreach.fields.status'),
      key: 'status',
      width: 120,
      render: (_, c) => (
        <Tooltip title={c.note || undefined}>
          <Tag color={STATUS_COLORS[c.status]} data-testid={`campaign-status-${c.id}`}>
            {t(`outreach.statuses.${c.status}`)}
          </Tag>
        </Tooltip>
      ),
    },
    { title: t('outreach.counts.sent'), key: 'sent', width: 80, align: 'right', render: (_, c) => formatCount(c.counts.sent) },
    { title: t('outreach.counts.failed'), key: 'failed', width: 80, align: 'right', render: (_, c) => formatCount(c.counts.failed) },
    { title: t('outreach.counts.skipped'), key: 'skipped', width: 80, align: 'right', render: (_, c) => formatCount(c.counts.skipped) },
    { title: t('outreach.counts.total'), key: 'total', width: 80, align: 'right', render: (_, c) => formatCount(c.total) },
    {
      title: t('outreach.fields.createdAt'),
      dataIndex: 'createdAt',
      key: 'createdAt',
      width: 170,
      render: (v: number) => formatDateTime(v),
    },
  ];

  return (
    <PageContainer
      title={t('outreach.title')}
      extra={
        can('customers.write') ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} disabled={!shop} data-testid="campaign-new">
            {t('outreach.new')}
          </Button>
        ) : null
      }
    >
      {!shop ? <Typography.Paragraph type="secondary">{t('outreach.pickShop')}</Typography.Paragraph> : null}
      <Table<Campaign>
        rowKey="id"
        columns={columns}
        dataSource={query.data?.items ?? []}
        loading={query.isLoading}
        scroll={{ x: 900 }}
        locale={{ emptyText: t('outreach.empty') }}
        pagination={{
          current: url.page,
          pageSize: url.pageSize,
          total: query.data?.total ?? 0,
          onChange: (page, pageSize) => url.setPage(page, pageSize),
        }}
        data-testid="campaigns-table"
      />
      <SaveModal
        open={open}
        title={t('outreach.new')}
        form={form}
        saving={create.isPending}
        onClose={() => {
          setOpen(false);
          url.patch({ segment: undefined });
        }}
        submitTestId="campaign-send"
        width={640}
      >
        <Form<CampaignRequest>
          form={form}
          layout="vertical"
          onFinish={submit}
          preserve={false}
          initialValues={{ channel: 'email', segmentId: url.get('segment'), subject: '', body: '', coupon: '' }}
        >
          <Form.Item
            name="segmentId"
            label={t('outreach.fields.segment')}
            rules={[{ required: true, message: t('outreach.segmentRequired') }]}
          >
            <Select
              data-testid="campaign-segment"
              loading={segments.isLoading}
              options={(segments.data?.items ?? []).map((s) => ({
                value: s.id,
                label: `${s.name}（${formatListCount(s.count)}）`,
              }))}
              notFoundContent={<Link to="/customers/segments">{t('outreach.noSegments')}</Link>}
            />
          </Form.Item>
          <Form.Item name="channel" label={t('outreach.fields.channel')}>
            <Radio.Group
              options={[
                { value: 'email', label: t('outreach.channels.email') },
                { value: 'sms', label: t('outreach.channels.sms') },
              ]}
            />
          </Form.Item>
          {channel === 'email' ? (
            <Form.Item
              name="subject"
              label={t('outreach.fields.subject')}
              rules={[{ required: true, message: t('outreach.subjectRequired') }]}
            >
              <Input maxLength={200} data-testid="campaign-subject" />
            </Form.Item>
          ) : null}
          <Form.Item
            name="body"
            label={t('outreach.fields.body')}
            rules={[{ required: true, message: t('outreach.bodyRequired') }]}
            extra={t('outreach.variables', { list: TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(' ') })}
          >
            <Input.TextArea rows={6} maxLength={channel === 'sms' ? 300 : 5000} showCount data-testid="campaign-body" />
          </Form.Item>
          <Form.Item name="coupon" label={t('outreach.fields.coupon')} extra={t('outreach.couponHint', { v: '{{优惠券}}' })}>
            <Input maxLength={100} />
          </Form.Item>
          <Typography.Text type="secondary">
            <SendOutlined /> {channel === 'sms' ? t('outreach.smsHint') : t('outreach.emailHint')}
          </Typography.Text>
        </Form>
      </SaveModal>
    </PageContainer>
  );
}
