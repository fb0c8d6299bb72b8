import { useState } from 'react';
import { Alert, Descriptions, Segmented, Space, Statistic, Table, Tag, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { MESSAGE_STATUSES, type MessageStatus } from '@yunying/core';
import { formatCount, formatDateTime, NO_VALUE } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { useCampaign, type CampaignMessage } from './api';
import { STATUS_COLORS } from './CampaignsPage';

const MESSAGE_COLORS: Record<MessageStatus, string> = {
  pending: 'default',
  sending: 'processing',
  sent: 'success',
  failed: 'error',
  skipped: 'default',
  unknown: 'warning',
};

/** One campaign: its counts and the delivery status of each recipient. */
export function CampaignDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [status, setStatus] = useState<MessageStatus | 'all'>('all');
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const q = useCampaign(id, { ...page, status: status === 'all' ? undefined : status });
  const c = q.data?.campaign;

  const columns: TableProps<CampaignMessage>['columns'] = [
    {
      title: t('outreach.fields.recipient'),
      key: 'nick',
      render: (_, m) => <Link to={`/customers/${m.customerId}`}>{m.nick || m.customerId}</Link>,
    },
    { title: t('outreach.fields.address'), dataIndex: 'address', key: 'address', render: (v: string) => v || NO_VALUE },
    {
      title: t('outreach.fields.status'),
      dataIndex: 'status',
      key: 'status',
      width: 110,
      render: (v: MessageStatus, m) => (
        <Tag color={MESSAGE_COLORS[v]} data-testid={`message-status-${m.nick}`}>
          {t(`outreach.messageStatuses.${v}`)}
        </Tag>
      ),
    },
    { title: t('outreach.fields.attempts'), dataIndex: 'attempts', key: 'attempts', width: 80, align: 'right' },
    { title: t('outreach.fields.sentAt'), dataIndex: 'sentAt', key: 'sentAt', width: 170, render: (v: number | null) => formatDateTime(v) },
    { title: t('outreach.fields.error'), dataIndex: 'error', key: 'error', render: (v: string) => v || NO_VALUE },
  ];

  return (
    <PageContainer title={c ? (c.channel === 'email' ? c.subject : t('outreach.channels.sms')) : t('outreach.title')}>
      {q.isError ? <Alert type="error" showIcon message={(q.error as Error).message} /> : null}
      {c ? (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <Descriptions size="small" column={3} bordered>
            <Descriptions.Item label={t('outreach.fields.segment')}>{c.segmentName}</Descriptions.Item>
            <Descriptions.Item label={t('outreach.fields.channel')}>{t(`outreach.channels.${c.channel}`)}</Descriptions.Item>
            <Descriptions.Item label={t('outreach.fields.status')}>
              <Tag color={STATUS_COLORS[c.status]} data-testid="campaign-status">
                {t(`outreach.statuses.${c.status}`)}
              </Tag>
              {c.note ? <Typography.Text type="secondary">{c.note}</Typography.Text> : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('outreach.fields.createdAt')}>{formatDateTime(c.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t('outreach.fields.finishedAt')}>{formatDateTime(c.finishedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('outreach.fields.coupon')}>{c.coupon || NO_VALUE}</Descriptions.Item>
            <Descriptions.Item label={t('outreach.fields.body')} span={3}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{c.body}</Typography.Paragraph>
            </Descriptions.Item>
          </Descriptions>
          <Space size={40} wrap>
            {(['sent', 'failed', 'skipped', 'unknown', 'pending'] as const).map((k) => (
              <Statistic key={k} title={t(`outreach.messageStatuses.${k}`)} value={formatCount(c.counts[k])} />
            ))}
            <Statistic title={t('outreach.counts.total')} value={formatCount(c.total)} />
          </Space>
          <Segmented<MessageStatus | 'all'>
            value={status}
            onChange={(v) => {
              setStatus(v);
              setPage((p) => ({ ...p, page: 1 }));
            }}
            options={[
              { value: 'all', label: t('outreach.all') },
              ...MESSAGE_STATUSES.map((s) => ({ value: s, label: t(`outreach.messageStatuses.${s}`) })),
            ]}
          />
          <Table<CampaignMessage>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={q.data?.messages.items ?? []}
            loading={q.isFetching && !q.data}
            scroll={{ x: 900 }}
            pagination={{
              current: page.page,
              pageSize: page.pageSize,
              total: q.data?.messages.total ?? 0,
              onChange: (p, s) => setPage({ page: p, pageSize: s }),
            }}
            data-testid="campaign-messages"
          />
        </Space>
      ) : null}
    </PageContainer>
  );
}
