import { useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Input, Modal, Row, Space, Table, Tag, Timeline, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { AftersaleSummary, OrderLine } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatDateTime, formatMoney } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { Loading, QueryError } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { CreateAftersaleModal } from '../aftersales/CreateAftersaleModal';
import { OrderPricingCard } from '../marketing/OrderPricingCard';
import { CreateTaskButton } from '../tasks/CreateTaskButton';
import { useOrder, useOrderAction } from './api';
import { AftersaleStatusTag, OrderStatusTag } from './StatusTags';
import { ShipModal } from './ShipModal';

export function OrderDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const labels = useLabels();
  const { can } = useAuth();
  const { message, modal } = App.useApp();
  const onError = useApiError();
  const navigate = useNavigate();
  const order = useOrder(id);
  const action = useOrderAction();
  const [shipping, setShipping] = useState(false);
  const [caseOpen, setCaseOpen] = useState(false);
  const [memo, setMemo] = useState<string | null>(null);
  const [note, setNote] = useState('');

  if (order.isLoading) return <Loading />;
  if (order.isError || !order.data) return <QueryError error={order.error} onRetry={() => void order.refetch()} />;
  const o = order.data;
  const next = new Set(o.nextStatuses);
  const run = (act: string, body?: unknown, method?: 'POST' | 'PATCH', after?: () => void) =>
    action.mutate(
      { id: o.id, action: act, body, ...(method ? { method } : {}) },
      {
        onSuccess: () => {
          void message.success(t('orders.actions.done'));
          after?.();
        },
        onError: (e) => onError(e),
      },
    );

  const confirmCancel = () => {
    let reason = '';
    modal.confirm({
      title: t('orders.actions.cancel'),
      content: (
        <Space direction="vertical" style={{ width: '100%' }}>
          <span>{t('orders.actions.cancelConfirm')}</span>
          <Input
            placeholder={t('orders.actions.cancelReason')}
            maxLength={200}
            onChange={(e) => (reason = e.target.value)}
            data-testid="cancel-reason"
          />
        </Space>
      ),
      okText: t('common.ok'),
      cancelText: t('common.cancel'),
      okButtonProps: { danger: true, 'data-testid': 'cancel-submit' },
      onOk: () => run('cancel', { reason: reason.trim() }),
    });
  };

  const lineColumns = [
    { title: t('orders.line.title'), dataIndex: 'title', key: 'title', ellipsis: true },
    { title: t('orders.line.spec'), dataIndex: 'specText', key: 'spec', width: 140 },
    { title: t('orders.line.code'), dataIndex: 'merchantCode', key: 'code', width: 120 },
    { title: t('orders.line.qty'), dataIndex: 'qty', key: 'qty', width: 70, align: 'right' as const },
    { title: t('orders.line.unitPrice'), dataIndex: 'unitPriceFen', key: 'unit', width: 110, align: 'right' as const, render: formatMoney },
    {
      title: t('orders.line.discount'),
      dataIndex: 'discountFen',
      key: 'discount',
      width: 110,
      align: 'right' as const,
      render: formatMoney,
    },
    { title: t('orders.line.paid'), dataIndex: 'paidFen', key: 'paid', width: 110, align: 'right' as const, render: formatMoney },
    {
      title: t('orders.line.refund'),
      key: 'refund',
      width: 130,
      align: 'right' as const,
      render: (_: unknown, l: OrderLine) => (l.refundFen ? `${formatMoney(l.refundFen)} × ${l.refundedQty}` : '—'),
    },
  ];

  const actions = (
    <>
      <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)}>
        {t('orders.detail.back')}
      </Button>
      {can('orders.write') && next.has('paid') ? (
        <Button onClick={() => run('pay')} data-testid="order-pay">
          {t('orders.actions.pay')}
        </Button>
      ) : null}
      {can('orders.ship') && next.has('shipped') && o.status !== 'refunding' ? (
        <Button type="primary" onClick={() => setShipping(true)} data-testid="order-ship">
          {t('orders.actions.ship')}
        </Button>
      ) : null}
      {can('orders.ship') && next.has('delivered') && o.status !== 'refunding' ? (
        <Button onClick={() => run('deliver')} data-testid="order-deliver">
          {t('orders.actions.deliver')}
        </Button>
      ) : null}
      {can('orders.write') && next.has('completed') && o.status !== 'refunding' ? (
        <Button onClick={() => run('complete')} data-testid="order-complete">
          {t('orders.actions.complete')}
        </Button>
      ) : null}
      {can('orders.memo') ? (
        <>
          <Button onClick={() => run('flags', { urgent: !o.urgent })} data-testid="order-flag-urgent">
            {o.urgent ? t('orders.actions.urgentOff') : t('orders.actions.urgentOn')}
          </Button>
          <Button onClick={() => run('flags', { logisticsException: !o.logisticsException })} data-testid="order-flag-exception">
            {o.logisticsException ? t('orders.actions.exceptionOff') : t('orders.actions.exceptionOn')}
          </Button>
        </>
      ) : null}
      {can('aftersales.write') && !['pending_payment', 'cancelled'].includes(o.status) ? (
        <Button onClick={() => setCaseOpen(true)} data-testid="aftersale-create">
          {t('orders.actions.aftersale')}
        </Button>
      ) : null}
      {can('orders.write') && next.has('cancelled') ? (
        <Button danger onClick={confirmCancel} data-testid="order-cancel">
          {t('orders.actions.cancel')}
        </Button>
      ) : null}
      <CreateTaskButton kind="order" id={o.id} label={o.orderNo} shopId={o.shopId} />
    </>
  );

  return (
    <PageContainer title={t('orders.detail.title', { orderNo: o.orderNo })} extra={actions} bare>
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <Row gutter={16}>
          <Col xs={24} lg={16}>
            <Card title={t('orders.detail.basic')} extra={<OrderStatusTag status={o.status} />}>
              <Descriptions column={{ xs: 1, md: 2 }} size="small">
                <Descriptions.Item label={t('orders.col.orderNo')}>
                  <Typography.Text copyable data-testid="order-no">
                    {o.orderNo}
                  </Typography.Text>
                </Descriptions.Item>
                <Descriptions.Item label={t('orders.col.shop')}>
                  {o.shopName} <Tag>{labels.channel(o.channel)}</Tag>
                </Descriptions.Item>
                <Descriptions.Item label={t('orders.detail.source')}>{labels.of('orders.detail.sources', o.source)}</Descriptions.Item>
                <Descriptions.Item label={t('orders.detail.stockMode')}>
                  <span data-testid="order-stock-mode">{labels.of('orders.detail.stockModes', o.stockMode)}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t('orders.col.buyer')}>{o.buyerNick}</Descriptions.Item>
                <Descriptions.Item label={t('orders.col.flags')}>
                  <Space size={2}>
                    {o.urgent ? <Tag color="volcano">{t('orders.flags.urgent')}</Tag> : null}
                    {o.logisticsException ? <Tag color="red">{t('orders.flags.logistics_exception')}</Tag> : null}
                    {o.isPresale ? <Tag color="purple">{t('orders.flags.presale')}</Tag> : null}
                    {!o.urgent && !o.logisticsException && !o.isPresale ? '—' : null}
                  </Space>
                </Descriptions.Item>
                <Descriptions.Item label={t('orders.col.orderedAt')}>{formatDateTime(o.orderedAt)}</Descriptions.Item>
                <Descriptions.Item label={t('orders.detail.paidAt')}>{formatDateTime(o.paidAt)}</Descriptions.Item>
                <Descriptions.Item label={t('orders.detail.logistics')}>
                  <span data-testid="order-tracking">
                    {o.trackingNo ? `${o.carrier ?? ''} ${o.trackingNo}` : t('orders.detail.notShipped')}
                  </span>
                </Descriptions.Item>
                <Descriptions.Item label={t('orders.detail.shippedAt')}>{formatDateTime(o.shippedAt)}</Descriptions.Item>
                <Descriptions.Item label={t('orders.detail.buyerNote')} span={2}>
                  {o.buyerNote || t('orders.detail.noMemo')}
                </Descriptions.Item>
                <Descriptions.Item label={t('orders.detail.sellerMemo')} span={2}>
                  <Space>
                    <span data-testid="order-memo">{o.sellerMemo || t('orders.detail.noMemo')}</span>
                    {can('orders.memo') ? (
                      <Button size="small" type="link" onClick={() => setMemo(o.sellerMemo)} data-testid="order-memo-edit">
                        {t('orders.actions.editMemo')}
                      </Button>
                    ) : null}
                  </Space>
                </Descriptions.Item>
              </Descriptions>
            </Card>
          </Col>
          <Col xs={24} lg={8}>
            <Card title={t('orders.detail.receiver')}>
              {o.masked ? <Alert type="info" showIcon message={t('orders.detail.masked')} style={{ marginBottom: 8 }} /> : null}
              <Descriptions column={1} size="small">
                <Descriptions.Item label={t('orders.new.receiverName')}>{o.receiverName}</Descriptions.Item>
                <Descriptions.Item label={t('orders.new.receiverPhone')}>
                  <span data-testid="order-receiver-phone">{o.receiverPhone}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t('orders.new.receiverAddress')}>{o.receiverAddress}</Descriptions.Item>
              </Descriptions>
            </Card>
            <Card title={t('orders.detail.amounts')} style={{ marginTop: 16 }}>
              <Descriptions column={1} size="small" data-testid="order-amounts">
                <Descriptions.Item label={t('orders.detail.goodsAmount')}>{formatMoney(o.goodsFen)}</Descriptions.Item>
                <Descriptions.Item label={t('orders.detail.discount')}>-{formatMoney(o.discountFen)}</Descriptions.Item>
                <Descriptions.Item label={t('orders.detail.shipping')}>{formatMoney(o.shippingFen)}</Descriptions.Item>
                <Descriptions.Item label={t('orders.detail.paid')}>
                  <Typography.Text strong data-testid="order-paid">
                    {formatMoney(o.paidFen)}
                  </Typography.Text>
                </Descriptions.Item>
                <Descriptions.Item label={t('orders.detail.refund')}>
                  <span data-testid="order-refund">{formatMoney(o.refundFen)}</span>
                </Descriptions.Item>
              </Descriptions>
            </Card>
          </Col>
        </Row>
        <Card title={t('orders.detail.lines')}>
          <Table<OrderLine>
            rowKey="id"
            size="small"
            pagination={false}
            columns={lineColumns}
            dataSource={o.lines}
            data-testid="order-lines"
          />
        </Card>
        <OrderPricingCard orderId={o.id} />
        <Row gutter={16}>
          <Col xs={24} lg={12}>
            <Card title={t('orders.detail.timeline')}>
              <Timeline
                data-testid="order-timeline"
                items={o.events.map((e) => ({
                  key: e.id,
                  children: (
                    <Space direction="vertical" size={0}>
                      <Space size={4} wrap>
                        <Tag>{labels.of('orders.events', e.type)}</Tag>
                        {e.toStatus ? (
                          <span>
                            {e.fromStatus ? `${labels.orderStatus(e.fromStatus)} → ` : ''}
                            {labels.orderStatus(e.toStatus)}
                          </span>
                        ) : null}
                      </Space>
                      {e.note ? <span>{e.note}</span> : null}
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {e.actorName} · {formatDateTime(e.at)}
                      </Typography.Text>
                    </Space>
                  ),
                }))}
              />
              {can('orders.write') ? (
                <Space.Compact style={{ width: '100%' }}>
                  <Input
                    value={note}
                    maxLength={1000}
                    placeholder={t('orders.actions.notePlaceholder')}
                    onChange={(e) => setNote(e.target.value)}
                    data-testid="order-note-input"
                  />
                  <Button
                    disabled={!note.trim()}
                    loading={action.isPending}
                    onClick={() => run('notes', { note: note.trim() }, undefined, () => setNote(''))}
                    data-testid="order-note-add"
                  >
                    {t('orders.actions.addNote')}
                  </Button>
                </Space.Compact>
              ) : null}
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title={t('orders.detail.aftersales')}>
              {o.aftersales.length === 0 ? (
                <Empty description={t('orders.detail.noAftersales')} />
              ) : (
                <Table<AftersaleSummary>
                  rowKey="id"
                  size="small"
                  pagination={false}
                  dataSource={o.aftersales}
                  columns={[
                    {
                      title: t('aftersales.fields.code'),
                      dataIndex: 'code',
                      render: (c: string, a) => <Link to={`/aftersales/${a.id}`}>{c}</Link>,
                    },
                    { title: t('aftersales.fields.type'), dataIndex: 'type', render: (x: string) => labels.aftersaleType(x) },
                    { title: t('common.status'), dataIndex: 'status', render: (s: string) => <AftersaleStatusTag status={s} /> },
                    { title: t('aftersales.fields.refund'), dataIndex: 'refundFen', align: 'right', render: formatMoney },
                  ]}
                />
              )}
            </Card>
          </Col>
        </Row>
      </Space>
      {shipping ? <ShipModal orderId={o.id} open={shipping} onClose={() => setShipping(false)} /> : null}
      {caseOpen ? <CreateAftersaleModal order={o} open={caseOpen} onClose={() => setCaseOpen(false)} /> : null}
      <Modal
        open={memo !== null}
        title={t('orders.actions.editMemo')}
        onCancel={() => setMemo(null)}
        onOk={() => run('memo', { sellerMemo: (memo ?? '').trim() }, 'PATCH', () => setMemo(null))}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={action.isPending}
        okButtonProps={{ 'data-testid': 'memo-submit' }}
      >
        <Input.TextArea rows={3} maxLength={1000} value={memo ?? ''} onChange={(e) => setMemo(e.target.value)} data-testid="memo-input" />
      </Modal>
    </PageContainer>
  );
}
