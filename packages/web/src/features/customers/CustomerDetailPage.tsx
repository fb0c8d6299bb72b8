import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Popconfirm,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { ArrowLeftOutlined, EditOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { LIFECYCLE_LABELS, RFM_SEGMENT_LABELS, type UpdateCustomerRequest } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatCount, formatDateTime, formatMoney, NO_VALUE } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { QueryPage } from '../../components/QueryState';
import { SaveModal } from '../../components/SaveModal';
import { useApiError } from '../../components/useApiError';
import { OrderStatusTag } from '../orders/StatusTags';
import { useCustomer, useSplitCustomer, useUpdateCustomer, type CustomerOrderRow, type CustomerProfile } from './api';
import { MemberCard } from './MemberCard';

/** A customer's profile: figures, lifecycle, RFM, orders, products bought, tags and note, merged customers. */
export function CustomerDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const query = useCustomer(id);
  return (
    <QueryPage query={query} title={t('customers.detail.title')}>
      {(c) => <Profile c={c} />}
    </QueryPage>
  );
}

function Profile({ c }: { c: CustomerProfile }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const [editing, setEditing] = useState(false);
  const [form] = Form.useForm<UpdateCustomerRequest>();
  const update = useUpdateCustomer(c.id);
  const split = useSplitCustomer();
  const canWrite = can('customers.write');
  const pii = can('customers.pii.read');
  const title = c.nick || c.name || c.phone || c.id;

  const cycle =
    c.purchaseCycleDays === null
      ? NO_VALUE
      : c.ownCycle
        ? t('customers.days', { n: c.purchaseCycleDays })
        : t('customers.cycleShop', { n: c.purchaseCycleDays });
  const orderColumns = [
    {
      title: t('customers.detail.orderNo'),
      dataIndex: 'orderNo',
      key: 'orderNo',
      render: (no: string, o: CustomerOrderRow) => (
        <Space>
          <Link to={`/orders/${o.orderId}`}>{no}</Link>
          {o.viaCustomerId !== c.id ? <Tag>{t('customers.detail.viaMember')}</Tag> : null}
        </Space>
      ),
    },
    { title: t('customers.fields.shop'), dataIndex: 'shopName', key: 'shop' },
    { title: t('customers.detail.status'), dataIndex: 'status', key: 'status', render: (s: string) => <OrderStatusTag status={s} /> },
    { title: t('customers.detail.orderedAt'), dataIndex: 'orderedAt', key: 'orderedAt', render: (v: number) => formatDateTime(v) },
    { title: t('customers.detail.paidDay'), dataIndex: 'paidDay', key: 'paidDay', render: (v: string | null) => v ?? NO_VALUE },
    { title: t('customers.fields.paid'), dataIndex: 'paidFen', key: 'paid', align: 'right' as const, render: formatMoney },
    { title: t('customers.fields.refund'), dataIndex: 'refundFen', key: 'refund', align: 'right' as const, render: formatMoney },
  ];

  return (
    <PageContainer
      title={`${t('customers.detail.title')} · ${title}`}
      bare
      extra={
        <>
          <Link to="/customers">
            <Button icon={<ArrowLeftOutlined />}>{t('customers.detail.back')}</Button>
          </Link>
          {canWrite ? (
            <Button
              icon={<EditOutlined />}
              onClick={() => {
                form.setFieldsValue({ note: c.note, tags: c.tags, ...(pii ? { email: c.email } : {}) });
                setEditing(true);
              }}
              data-testid="customer-edit"
            >
              {t('customers.actions.edit')}
            </Button>
          ) : null}
        </>
      }
    >
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        {c.mergedInto ? (
          <Alert
            type="info"
            showIcon
            message={
              <Space>
                {t('customers.detail.mergedInto')}
                <Link to={`/customers/${c.mergedInto}`}>{t('customers.detail.openTarget')}</Link>
                {canWrite ? (
                  <Popconfirm
                    title={t('customers.actions.splitConfirm')}
                    onConfirm={() =>
                      split.mutate(c.id, {
                        onSuccess: () => void message.success(t('customers.actions.splitDone')),
                        onError: (e) => onError(e),
                      })
                    }
                  >
                    <Button size="small" data-testid="customer-split-self">
                      {t('customers.actions.split')}
                    </Button>
                  </Popconfirm>
                ) : null}
              </Space>
            }
          />
        ) : null}
        <Row gutter={16}>
          {[
            { k: 'paidOrders', v: formatCount(c.paidOrders) },
            { k: 'paid', v: formatMoney(c.paidFen) },
            { k: 'refund', v: formatMoney(c.refundFen) },
            { k: 'aov', v: formatMoney(c.aovFen) },
          ].map((s) => (
            <Col span={6} key={s.k}>
              <Card>
                <Statistic title={t(`customers.fields.${s.k}`)} value={s.v} data-testid={`customer-stat-${s.k}`} />
              </Card>
            </Col>
          ))}
        </Row>
        <Card title={t('customers.detail.summary')}>
          <Descriptions column={3} size="small" bordered>
            <Descriptions.Item label={t('customers.fields.nick')}>{c.nick || NO_VALUE}</Descriptions.Item>
            <Descriptions.Item label={t('customers.fields.name')}>{c.name || NO_VALUE}</Descriptions.Item>
            <Descriptions.Item label={t('customers.fields.phone')}>{c.phone || NO_VALUE}</Descriptions.Item>
            <Descriptions.Item label={t('customers.fields.email')}>{c.email || NO_VALUE}</Descriptions.Item>
            <Descriptions.Item label={t('customers.fields.shop')}>
              {c.shopName} · {labels.channel(c.channel)}
            </Descriptions.Item>
            <Descriptions.Item label={t('customers.fields.orders')}>{formatCount(c.orderCount)}</Descriptions.Item>
            <Descriptions.Item label={t('customers.fields.firstPaid')}>
              {c.firstPaidOrder ? <Link to={`/orders/${c.firstPaidOrder.orderId}`}>{c.firstPaidOrder.paidDay}</Link> : NO_VALUE}
            </Descriptions.Item>
            <Descriptions.Item label={t('customers.fields.lastPaid')}>
              {c.lastPaidOrder ? <Link to={`/orders/${c.lastPaidOrder.orderId}`}>{c.lastPaidOrder.paidDay}</Link> : NO_VALUE}
            </Descriptions.Item>
            <Descriptions.Item label={t('customers.fields.net')}>{formatMoney(c.netFen)}</Descriptions.Item>
            <Descriptions.Item label={t('customers.fields.cycle')}>{cycle}</Descriptions.Item>
            <Descriptions.Item label={t('customers.fields.expected')}>{c.expectedRepurchaseDay ?? NO_VALUE}</Descriptions.Item>
            <Descriptions.Item label={t('customers.fields.lifecycle')}>
              <span data-testid="customer-lifecycle">
                {c.lifecycle ? labels.text(LIFECYCLE_LABELS[c.lifecycle]) : t('customers.detail.notAssigned')}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('customers.fields.enquiries')}>
              <span data-testid="customer-enquiries">{formatCount(c.enquiries)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('customers.fields.rfm')}>
              {c.rfm ? (
                <Link to={`/customers?segment=${c.rfm.segment}`}>
                  <Tag color="blue">{labels.text(RFM_SEGMENT_LABELS[c.rfm.segment])}</Tag>
                </Link>
              ) : (
                NO_VALUE
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('customers.fields.scores')}>
              {c.rfm ? `${c.rfm.rScore} / ${c.rfm.fScore} / ${c.rfm.mScore}` : NO_VALUE}
            </Descriptions.Item>
            <Descriptions.Item label={t('customers.fields.tags')}>
              {c.tags.length ? c.tags.map((x) => <Tag key={x}>{x}</Tag>) : NO_VALUE}
            </Descriptions.Item>
            <Descriptions.Item label={t('customers.fields.note')} span={3}>
              <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{c.note || NO_VALUE}</Typography.Paragraph>
            </Descriptions.Item>
          </Descriptions>
        </Card>
        <MemberCard customerId={c.id} merged={!!c.mergedInto} />
        {c.members.length ? (
          <Card title={t('customers.detail.members')}>
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={c.members}
              columns={[
                {
                  title: t('customers.fields.nick'),
                  dataIndex: 'nick',
                  key: 'nick',
                  render: (v: string, m) => <Link to={`/customers/${m.id}`}>{v || m.id}</Link>,
                },
                { title: t('customers.fields.shop'), dataIndex: 'shopName', key: 'shop' },
                { title: t('customers.fields.phone'), dataIndex: 'phone', key: 'phone' },
                { title: t('customers.fields.paidOrders'), dataIndex: 'paidOrders', key: 'paidOrders', align: 'right' },
                { title: t('customers.fields.paid'), dataIndex: 'paidFen', key: 'paid', align: 'right', render: formatMoney },
                {
                  title: '',
                  key: 'split',
                  render: (_, m) =>
                    canWrite ? (
                      <Popconfirm
                        title={t('customers.actions.splitConfirm')}
                        onConfirm={() =>
                          split.mutate(m.id, {
                            onSuccess: () => void message.success(t('customers.actions.splitDone')),
                            onError: (e) => onError(e),
                          })
                        }
                      >
                        <Button size="small" data-testid={`customer-split-${m.id}`}>
                          {t('customers.actions.split')}
                        </Button>
                      </Popconfirm>
                    ) : null,
                },
              ]}
            />
          </Card>
        ) : null}
        <Card title={t('customers.detail.orders')}>
          <Table<CustomerOrderRow>
            rowKey="orderId"
            size="small"
            dataSource={c.orders}
            columns={orderColumns}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            locale={{ emptyText: <Empty description={t('customers.detail.noOrders')} /> }}
            data-testid="customer-orders"
          />
        </Card>
        <Card title={t('customers.detail.products')}>
          <Table
            rowKey={(p) => `${p.skuId ?? ''}|${p.title}|${p.specText}`}
            size="small"
            dataSource={c.products}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            locale={{ emptyText: <Empty description={t('customers.detail.noProducts')} /> }}
            columns={[
              {
                title: t('customers.detail.product'),
                dataIndex: 'title',
                key: 'title',
                render: (v: string, p) => (p.specText ? `${v}（${p.specText}）` : v),
              },
              { title: t('customers.detail.qty'), dataIndex: 'qty', key: 'qty', align: 'right', render: formatCount },
              { title: t('customers.fields.paid'), dataIndex: 'paidFen', key: 'paid', align: 'right', render: formatMoney },
            ]}
          />
        </Card>
      </Space>
      <SaveModal
        open={editing}
        title={t('customers.editModal.title')}
        form={form}
        saving={update.isPending}
        onClose={() => setEditing(false)}
        submitTestId="customer-save"
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) =>
            update.mutate(v, {
              onSuccess: () => {
                void message.success(t('customers.actions.saved'));
                setEditing(false);
              },
              onError: (e) => onError(e, form),
            })
          }
        >
          {pii ? (
            <Form.Item name="email" label={t('customers.fields.email')}>
              <Input maxLength={200} />
            </Form.Item>
          ) : null}
          <Form.Item name="tags" label={t('customers.fields.tags')}>
            <Select mode="tags" tokenSeparators={[',', '，']} data-testid="customer-tags-input" />
          </Form.Item>
          <Form.Item name="note" label={t('customers.fields.note')}>
            <Input.TextArea rows={4} maxLength={2000} />
          </Form.Item>
        </Form>
      </SaveModal>
    </PageContainer>
  );
}
