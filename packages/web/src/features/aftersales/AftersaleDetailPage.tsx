import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Input, InputNumber, Modal, Select, Space, Table, Timeline, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import {
  REFUND_TYPES,
  RESPONSIBILITIES,
  formatFen,
  parseYuan,
  type AftersaleLine,
  type AftersaleStatus,
  type Responsibility,
} from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { fenToYuanText, formatDateTime, formatMoney } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { Loading, QueryError } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { AftersaleStatusTag, OrderStatusTag } from '../orders/StatusTags';
import { useAftersale, useAftersaleAction, useUpdateAftersale } from './api';

export function AftersaleDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const labels = useLabels();
  const { can } = useAuth();
  const { message, modal } = App.useApp();
  const onError = useApiError();
  const navigate = useNavigate();
  const c = useAftersale(id);
  const action = useAftersaleAction();
  const update = useUpdateAftersale();
  const [note, setNote] = useState('');
  const [inspecting, setInspecting] = useState<Record<string, { good: number; bad: number }> | null>(null);
  const [refunding, setRefunding] = useState<string | null>(null);

  if (c.isLoading) return <Loading />;
  if (c.isError || !c.data) return <QueryError error={c.error} onRetry={() => void c.refetch()} />;
  const a = c.data;
  const canWrite = can('aftersales.write');
  // Money fields mean something only for 仅退款 / 退货退款.
  const refundCase = REFUND_TYPES.includes(a.type);
  const done = () => void message.success(t('aftersales.actions.done'));

  const move = (to: AftersaleStatus) => {
    // 拒绝 needs the reason the buyer will read (as on the platforms).
    if (to === 'rejected' && !note.trim()) {
      void message.error(t('aftersales.verbs.rejectReason'));
      return;
    }
    action.mutate(
      { id: a.id, action: 'transition', body: { to, note: note.trim() } },
      {
        onSuccess: () => {
          setNote('');
          done();
        },
        onError: (e) => onError(e),
      },
    );
  };

  const submitInspect = () => {
    const lines = Object.entries(inspecting ?? {})
      .map(([orderLineId, v]) => ({ orderLineId, goodQty: v.good, defectiveQty: v.bad }))
      .filter((x) => x.goodQty + x.defectiveQty > 0);
    action.mutate(
      { id: a.id, action: 'inspect', body: { lines } },
      {
        onSuccess: () => {
          setInspecting(null);
          done();
        },
        onError: (e) => onError(e),
      },
    );
  };

  const refundFen = refunding === null ? null : parseYuan(refunding);
  const submitRefund = () => {
    if (refundFen === null || refundFen <= 0) {
      void message.error(t('aftersales.refund.invalid'));
      return;
    }
    action.mutate(
      { id: a.id, action: 'refund', body: { amountFen: refundFen } },
      {
        onSuccess: () => {
          setRefunding(null);
          done();
        },
        onError: (e) => onError(e),
      },
    );
  };

  const lineColumns = [
    { title: t('orders.line.title'), dataIndex: 'title', key: 'title', ellipsis: true },
    { title: t('orders.line.spec'), dataIndex: 'specText', key: 'spec', width: 130 },
    { title: t('orders.line.code'), dataIndex: 'merchantCode', key: 'code', width: 120 },
    { title: t('aftersales.fields.qty'), dataIndex: 'qty', key: 'qty', width: 90 },
    { title: t('aftersales.fields.goodQty'), dataIndex: 'goodQty', key: 'good', width: 70 },
    { title: t('aftersales.fields.defectiveQty'), dataIndex: 'defectiveQty', key: 'bad', width: 70 },
    { title: t('orders.line.paid'), dataIndex: 'linePaidFen', key: 'paid', width: 110, render: formatMoney },
    { title: t('orders.line.refund'), dataIndex: 'lineRefundFen', key: 'refund', width: 110, render: formatMoney },
  ];

  return (
    <PageContainer
      title={t('aftersales.detail.title', { code: a.code })}
      bare
      extra={
        <>
          <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)}>
            {t('aftersales.detail.back')}
          </Button>
          {canWrite && a.canInspect ? (
            <Button
              onClick={() =>
                setInspecting(Object.fromEntries(a.lines.map((x) => [x.orderLineId, { good: x.qty - x.goodQty - x.defectiveQty, bad: 0 }])))
              }
              data-testid="aftersale-inspect"
            >
              {t('aftersales.actions.inspect')}
            </Button>
          ) : null}
          {canWrite && a.canReship ? (
            <Button
              type="primary"
              onClick={() =>
                modal.confirm({
                  title: t('aftersales.reship.title'),
                  content: t('aftersales.reship.confirm', { count: a.lines.reduce((n, l) => n + l.qty, 0) }),
                  okText: t('aftersales.reship.submit'),
                  cancelText: t('common.cancel'),
                  onOk: () =>
                    action
                      .mutateAsync({ id: a.id, action: 'reship', body: { note: note.trim() || undefined } })
                      .then(done, (e) => onError(e)),
                })
              }
              data-testid="aftersale-reship"
            >
              {t('aftersales.actions.reship')}
            </Button>
          ) : null}
          {can('orders.refund') && a.canRefund ? (
            <Button
              type="primary"
              onClick={() => setRefunding(fenToYuanText(refundProposal(a.requestedFen, a.refundFen, a.refundableFen)))}
              data-testid="aftersale-refund"
            >
              {t('aftersales.actions.refund')}
            </Button>
          ) : null}
        </>
      }
    >
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <Card extra={<AftersaleStatusTag status={a.status} />}>
          <Descriptions column={{ xs: 1, md: 3 }} size="small">
            <Descriptions.Item label={t('aftersales.fields.type')}>{labels.aftersaleType(a.type)}</Descriptions.Item>
            <Descriptions.Item label={t('aftersales.fields.reason')}>{a.reasonName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('aftersales.fields.responsibility')}>
              {canWrite ? (
                <Select
                  size="small"
                  style={{ width: 130 }}
                  value={a.responsibility}
                  options={RESPONSIBILITIES.map((x) => ({ value: x, label: labels.responsibility(x) }))}
                  onChange={(v: Responsibility) =>
                    update.mutate({ id: a.id, body: { responsibility: v } }, { onSuccess: done, onError: (e) => onError(e) })
                  }
                  data-testid="aftersale-responsibility"
                />
              ) : (
                labels.responsibility(a.responsibility)
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('aftersales.detail.order')}>
              <Space size={4}>
                <Link to={`/orders/${a.order.id}`}>{a.order.orderNo}</Link>
                <OrderStatusTag status={a.order.status} />
              </Space>
            </Descriptions.Item>
            {refundCase ? (
              <Descriptions.Item label={t('aftersales.fields.requested')}>
                <span data-testid="aftersale-requested-amount">{formatMoney(a.requestedFen)}</span>
              </Descriptions.Item>
            ) : null}
            {refundCase || a.refundFen > 0 ? (
              <Descriptions.Item label={t('aftersales.fields.refund')}>
                <span data-testid="aftersale-refund-amount">{formatMoney(a.refundFen)}</span>
              </Descriptions.Item>
            ) : null}
            {refundCase ? (
              <Descriptions.Item label={t('aftersales.detail.refundable')}>{formatMoney(a.refundableFen)}</Descriptions.Item>
            ) : null}
            {a.replacementOrderId ? (
              <Descriptions.Item label={t('aftersales.reship.order')}>
                <Link to={`/orders/${a.replacementOrderId}`} data-testid="aftersale-replacement">
                  {t('aftersales.reship.view')}
                </Link>
              </Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t('aftersales.fields.sla')}>
              <Typography.Text type={a.overdue ? 'danger' : undefined}>{a.resolvedAt ? '—' : formatDateTime(a.slaDueAt)}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('aftersales.fields.createdAt')}>{formatDateTime(a.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t('aftersales.fields.note')}>{a.note || '—'}</Descriptions.Item>
          </Descriptions>
          <Typography.Text type="secondary">
            {t('aftersales.detail.orderPaid', { paid: formatFen(a.order.paidFen), refund: formatFen(a.order.refundFen) })}
          </Typography.Text>
        </Card>
        <Card title={t('aftersales.fields.lines')}>
          <Table<AftersaleLine> rowKey="orderLineId" size="small" pagination={false} columns={lineColumns} dataSource={a.lines} />
        </Card>
        <Card title={t('aftersales.detail.events')}>
          <Timeline
            items={a.events.map((e) => ({
              key: e.id,
              children: (
                <Space direction="vertical" size={0}>
                  {e.toStatus ? (
                    <span>
                      {e.fromStatus ? `${labels.aftersaleStatus(e.fromStatus)} → ` : ''}
                      {labels.aftersaleStatus(e.toStatus)}
                    </span>
                  ) : null}
                  {e.note ? <span>{e.note}</span> : null}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {e.actorName} · {formatDateTime(e.at)}
                  </Typography.Text>
                </Space>
              ),
            }))}
          />
          {canWrite && a.nextStatuses.length ? (
            <Space wrap>
              <Input
                value={note}
                onChange={(e) => setNote(e.target.value)}
                placeholder={t('aftersales.actions.notePlaceholder')}
                maxLength={1000}
                style={{ width: 280 }}
                data-testid="aftersale-note"
              />
              {a.nextStatuses.map((s) => (
                <Button
                  key={s}
                  danger={s === 'rejected' || s === 'closed'}
                  loading={action.isPending}
                  onClick={() => move(s)}
                  data-testid={`aftersale-to-${s}`}
                >
                  {t(`aftersales.verbs.${s}`, { defaultValue: t('aftersales.actions.to', { status: labels.aftersaleStatus(s) }) })}
                </Button>
              ))}
            </Space>
          ) : null}
        </Card>
      </Space>
      <Modal
        open={inspecting !== null}
        title={t('aftersales.inspect.title')}
        onCancel={() => setInspecting(null)}
        onOk={submitInspect}
        okText={t('aftersales.inspect.submit')}
        cancelText={t('common.cancel')}
        confirmLoading={action.isPending}
        okButtonProps={{ 'data-testid': 'inspect-submit' }}
        width={640}
      >
        <Alert type="info" showIcon message={t('aftersales.inspect.hint')} style={{ marginBottom: 12 }} />
        <Table<AftersaleLine>
          rowKey="orderLineId"
          size="small"
          pagination={false}
          dataSource={a.lines}
          columns={[
            { title: t('orders.line.title'), dataIndex: 'title', ellipsis: true },
            { title: t('aftersales.fields.qty'), dataIndex: 'qty', width: 80 },
            { title: t('aftersales.fields.inspected'), key: 'done', width: 80, render: (_, x) => x.goodQty + x.defectiveQty },
            {
              title: t('aftersales.fields.goodQty'),
              key: 'good',
              width: 100,
              render: (_, x) => (
                <InputNumber
                  min={0}
                  precision={0}
                  value={inspecting?.[x.orderLineId]?.good ?? 0}
                  onChange={(v) =>
                    setInspecting((s) => ({ ...s, [x.orderLineId]: { good: Number(v ?? 0), bad: s?.[x.orderLineId]?.bad ?? 0 } }))
                  }
                  data-testid={`inspect-good-${x.orderLineId}`}
                />
              ),
            },
            {
              title: t('aftersales.fields.defectiveQty'),
              key: 'bad',
              width: 100,
              render: (_, x) => (
                <InputNumber
                  min={0}
                  precision={0}
                  value={inspecting?.[x.orderLineId]?.bad ?? 0}
                  onChange={(v) =>
                    setInspecting((s) => ({ ...s, [x.orderLineId]: { good: s?.[x.orderLineId]?.good ?? 0, bad: Number(v ?? 0) } }))
                  }
                  data-testid={`inspect-bad-${x.orderLineId}`}
                />
              ),
            },
          ]}
        />
      </Modal>
      <Modal
        open={refunding !== null}
        title={t('aftersales.refund.title')}
        onCancel={() => setRefunding(null)}
        onOk={submitRefund}
        okText={t('aftersales.refund.submit')}
        cancelText={t('common.cancel')}
        confirmLoading={action.isPending}
        okButtonProps={{ 'data-testid': 'refund-submit' }}
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <span>{t('aftersales.refund.amount')}</span>
          <Input
            value={refunding ?? ''}
            onChange={(e) => setRefunding(e.target.value)}
            status={refunding && refundFen === null ? 'error' : undefined}
            data-testid="refund-amount"
          />
          <Typography.Text type="secondary">{t('aftersales.refund.hint', { max: formatFen(a.refundableFen) })}</Typography.Text>
        </Space>
      </Modal>
    </PageContainer>
  );
}

/** The refund dialog starts at what the buyer asked for and has not been refunded, within what may still be refunded. */
function refundProposal(requestedFen: number, refundedFen: number, refundableFen: number): number {
  const asked = requestedFen - refundedFen;
  return asked > 0 ? Math.min(asked, refundableFen) : refundableFen;
}
