import { Alert, Button, Card, Col, Descriptions, Empty, Form, Input, Rate, Row, Select, Space, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { FOLLOWUP_ACTIONS, followupNext, REVIEW_OUTCOMES, type FollowupAction, type ReviewStatus } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatDateTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { QueryState } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { useFollowup, useReview, useTemplates, type ReviewDetail } from './api';

/** One review with its follow-up: the timeline, and the next step (contact, compensate, ask to revise, reply, close). */
export function ReviewDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const review = useReview(id);
  return (
    <PageContainer title={t('reviews.detail.title')} bare>
      <QueryState query={review}>{(r) => <Body r={r} />}</QueryState>
    </PageContainer>
  );
}

function allowed(status: ReviewStatus): FollowupAction[] {
  if (status === 'none') return ['reply'];
  return FOLLOWUP_ACTIONS.filter((a) => followupNext(status, a) !== null);
}

function Body({ r }: { r: ReviewDetail }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [form] = Form.useForm();
  const action = Form.useWatch<FollowupAction | undefined>('action', form);
  const templates = useTemplates();
  const step = useFollowup(r.id);
  const apiError = useApiError();
  const actions = allowed(r.status as ReviewStatus);
  const submit = (v: { action: FollowupAction; note?: string; reply?: string; aftersaleId?: string; outcome?: string }) =>
    step.mutate(
      {
        action: v.action,
        note: v.note ?? '',
        ...(v.reply ? { reply: v.reply } : {}),
        ...(v.aftersaleId ? { aftersaleId: v.aftersaleId.trim() } : {}),
        ...(v.outcome ? { outcome: v.outcome } : {}),
      } as never,
      { onSuccess: () => form.resetFields(), onError: (e) => apiError(e, form) },
    );
  return (
    <Row gutter={16}>
      <Col xs={24} lg={14}>
        <Card title={t('reviews.detail.info')} style={{ marginBottom: 16 }}>
          <Descriptions column={2} size="small">
            <Descriptions.Item label={t('reviews.col.rating')}>
              <Space>
                <Rate disabled value={r.rating} />
                <Tag color={r.level === 'bad' ? 'red' : r.level === 'neutral' ? 'orange' : 'green'}>{t(`reviews.levels.${r.level}`)}</Tag>
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('reviews.col.status')}>
              <Space>
                <Tag data-testid="review-detail-status">{t(`reviews.statuses.${r.status}`)}</Tag>
                {r.overdue ? <Tag color="red">{t('reviews.overdue')}</Tag> : null}
                {r.slaDueAt && r.status !== 'closed' ? (
                  <Typography.Text type="secondary">{t('reviews.due', { time: formatDateTime(r.slaDueAt) })}</Typography.Text>
                ) : null}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('reviews.col.product')}>
              {[r.productTitle, r.skuText].filter(Boolean).join(' · ') || '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('reviews.form.orderNo')}>{r.orderNo || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('reviews.col.buyer')}>{r.buyerNick || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('reviews.col.time')}>{formatDateTime(r.reviewedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('reviews.col.dsr')}>
              {[r.dsrDesc, r.dsrService, r.dsrLogistics].map((x) => x ?? '—').join(' / ')}
            </Descriptions.Item>
            <Descriptions.Item label={t('reviews.form.imageCount')}>{r.imageCount}</Descriptions.Item>
            <Descriptions.Item label={t('reviews.col.content')} span={2}>
              <Space direction="vertical" size={2}>
                <Typography.Text>{r.content || '—'}</Typography.Text>
                {r.appendContent ? (
                  <Typography.Text type="secondary">{`${t('reviews.append')}：${r.appendContent}`}</Typography.Text>
                ) : null}
                <Space size={4}>
                  {r.tags.map((x) => (
                    <Tag key={x} color="volcano">
                      {x}
                    </Tag>
                  ))}
                </Space>
              </Space>
            </Descriptions.Item>
            {r.reply ? (
              <Descriptions.Item label={t('reviews.detail.reply')} span={2}>
                {r.reply}
              </Descriptions.Item>
            ) : null}
            {r.aftersaleId ? <Descriptions.Item label={t('reviews.detail.aftersale')}>{r.aftersaleId}</Descriptions.Item> : null}
          </Descriptions>
          {r.status === 'closed' && r.outcome ? (
            <Alert
              type="success"
              showIcon
              message={t('reviews.detail.closedAs', { outcome: t(`reviews.outcomes.${r.outcome}`) })}
              data-testid="review-closed"
            />
          ) : null}
        </Card>
        <Card title={t('reviews.detail.timeline')}>
          {r.followups.length ? (
            <Timeline
              data-testid="review-timeline"
              items={r.followups.map((f) => ({
                key: f.id,
                children: (
                  <Space direction="vertical" size={0}>
                    <Typography.Text strong>{t(`reviews.actions.${f.action}`)}</Typography.Text>
                    {f.note ? <Typography.Text>{f.note}</Typography.Text> : null}
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {f.userName} · {formatDateTime(f.at)}
                    </Typography.Text>
                  </Space>
                ),
              }))}
            />
          ) : (
            <Empty description={t('reviews.detail.noSteps')} />
          )}
        </Card>
      </Col>
      <Col xs={24} lg={10}>
        {can('reviews.write') ? (
          <Card title={t('reviews.detail.step')}>
            <Form form={form} layout="vertical" onFinish={submit} data-testid="review-step-form">
              <Form.Item name="action" label={t('reviews.detail.action')} rules={[{ required: true, message: t('reviews.detail.action') }]}>
                <Select options={actions.map((a) => ({ value: a, label: t(`reviews.actions.${a}`) }))} data-testid="review-step-action" />
              </Form.Item>
              {action === 'reply' ? (
                <>
                  <Form.Item label={t('reviews.template')}>
                    <Select
                      options={(templates.data?.items ?? []).map((x) => ({ value: x.text, label: x.title }))}
                      onChange={(v: string) => form.setFieldValue('reply', v)}
                      data-testid="review-step-template"
                    />
                  </Form.Item>
                  <Form.Item name="reply" label={t('reviews.replyText')}>
                    <Input.TextArea rows={4} maxLength={1000} data-testid="review-step-reply" />
                  </Form.Item>
                </>
              ) : null}
              {action === 'compensate' ? (
                <Form.Item name="aftersaleId" label={t('reviews.detail.aftersaleId')}>
                  <Input maxLength={64} />
                </Form.Item>
              ) : null}
              {action === 'close' ? (
                <Form.Item name="outcome" label={t('reviews.outcome')}>
                  <Select
                    options={REVIEW_OUTCOMES.map((o) => ({ value: o, label: t(`reviews.outcomes.${o}`) }))}
                    data-testid="review-step-outcome"
                  />
                </Form.Item>
              ) : null}
              <Form.Item name="note" label={t('reviews.detail.note')}>
                <Input.TextArea rows={2} maxLength={1000} data-testid="review-step-note" />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={step.isPending} data-testid="review-step-submit">
                {t('reviews.detail.submit')}
              </Button>
            </Form>
          </Card>
        ) : null}
      </Col>
    </Row>
  );
}
