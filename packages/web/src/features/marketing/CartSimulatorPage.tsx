import { useState } from 'react';
import type { ButtonProps } from 'antd';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { OrderDetail, PricedLine, PricePreview, PriceResult } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatMoney } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { SkuPicker } from '../inventory/pickers';
import { useCreateOrder, useOrderPricing as useOrderPricingQuery, usePricePreview } from './api';

interface CartForm {
  lines: { skuId?: string; qty?: number; unitPriceYuan?: number }[];
  buyerNick?: string;
  couponCode?: string;
  couponIds?: string[];
  memberLevel?: string;
  region?: string;
  shippingYuan?: number;
  at?: Dayjs;
}

/** Each line of a priced cart with its adjustments, one explanation per promotion or coupon. */
export function PricedLines({ result, testId }: { result: Pick<PriceResult, 'lines' | 'totals'>; testId: string }) {
  const { t } = useTranslation();
  return (
    <>
      <Table<PricedLine>
        size="small"
        rowKey="lineId"
        pagination={false}
        dataSource={result.lines}
        data-testid={testId}
        columns={[
          {
            title: t('marketing.sim.cols.item'),
            key: 'item',
            width: 200,
            render: (_, l) => (
              <Space direction="vertical" size={0}>
                <Typography.Text>
                  {l.isGift ? <Tag color="magenta">{t('marketing.sim.gift')}</Tag> : null}
                  {l.name ?? l.skuId}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatMoney(l.unitPriceFen)} × {l.qty}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t('marketing.sim.cols.list'), dataIndex: 'listFen', key: 'list', align: 'right', width: 110, render: formatMoney },
          {
            title: t('marketing.sim.cols.adjust'),
            key: 'adjust',
            render: (_, l) =>
              l.adjustments.length ? (
                <Space direction="vertical" size={0}>
                  {l.adjustments.map((a, i) => (
                    <Typography.Text key={i} style={{ fontSize: 13 }}>
                      <Typography.Text type="danger">−{formatMoney(a.amountFen)}</Typography.Text> {a.note}
                    </Typography.Text>
                  ))}
                </Space>
              ) : (
                '—'
              ),
          },
          {
            title: t('marketing.sim.cols.final'),
            dataIndex: 'finalFen',
            key: 'final',
            align: 'right',
            width: 110,
            render: (v: number) => <Typography.Text strong>{formatMoney(v)}</Typography.Text>,
          },
        ]}
      />
      <Descriptions size="small" column={4} style={{ marginTop: 12 }} data-testid={`${testId}-totals`}>
        <Descriptions.Item label={t('marketing.sim.totals.list')}>{formatMoney(result.totals.listFen)}</Descriptions.Item>
        <Descriptions.Item label={t('marketing.sim.totals.item')}>−{formatMoney(result.totals.itemDiscountFen)}</Descriptions.Item>
        <Descriptions.Item label={t('marketing.sim.totals.order')}>−{formatMoney(result.totals.orderDiscountFen)}</Descriptions.Item>
        <Descriptions.Item label={t('marketing.sim.totals.coupon')}>−{formatMoney(result.totals.couponDiscountFen)}</Descriptions.Item>
        <Descriptions.Item label={t('marketing.sim.totals.shipping')}>{formatMoney(result.totals.shippingFen)}</Descriptions.Item>
        <Descriptions.Item label={t('marketing.sim.totals.shippingOff')}>
          −{formatMoney(result.totals.shippingDiscountFen)}
        </Descriptions.Item>
        <Descriptions.Item label={t('marketing.sim.totals.payable')}>
          <Typography.Text strong style={{ fontSize: 16 }} data-testid={`${testId}-payable`}>
            {formatMoney(result.totals.payableFen)}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
    </>
  );
}

/** Price a cart as an order would be priced (the shop's running promotions, a coupon), then order it. */
export function CartSimulatorPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { shop } = useShop();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<CartForm>();
  const [orderForm] = Form.useForm<{ receiverName: string; receiverPhone: string; receiverAddress: string }>();
  const preview = usePricePreview();
  const createOrder = useCreateOrder();
  const [result, setResult] = useState<PricePreview | null>(null);
  const [ordering, setOrdering] = useState(false);
  const [order, setOrder] = useState<{ detail: OrderDetail; pricing: PricePreview } | null>(null);

  const bodyOf = (v: CartForm) => ({
    shopId: shop!.id,
    lines: (v.lines ?? [])
      .filter((l) => l.skuId)
      .map((l) => ({
        skuId: l.skuId!,
        qty: l.qty ?? 1,
        ...(l.unitPriceYuan !== undefined && l.unitPriceYuan !== null ? { unitPriceFen: Math.round(l.unitPriceYuan * 100) } : {}),
      })),
    ...(v.buyerNick ? { buyerNick: v.buyerNick } : {}),
    ...(v.couponCode ? { couponCode: v.couponCode } : {}),
    couponIds: v.couponIds ?? [],
    ...(v.memberLevel ? { memberLevel: v.memberLevel } : {}),
    ...(v.region ? { region: v.region } : {}),
    shippingFen: Math.round((v.shippingYuan ?? 0) * 100),
  });
  const run = (v: CartForm) =>
    preview.mutate(
      { ...bodyOf(v), ...(v.at ? { at: v.at.toISOString() } : {}) },
      { onSuccess: (r) => setResult(r), onError: (e) => onError(e, form) },
    );

  const placeOrder = (r: { receiverName: string; receiverPhone: string; receiverAddress: string }) => {
    const v = form.getFieldsValue();
    const b = bodyOf(v);
    createOrder.mutate(
      {
        shopId: b.shopId,
        lines: b.lines,
        buyerNick: v.buyerNick || '试算买家',
        ...r,
        ...(b.couponCode ? { couponCode: b.couponCode } : {}),
        ...(b.couponIds.length ? { couponIds: b.couponIds } : {}),
        ...(b.memberLevel ? { memberLevel: b.memberLevel } : {}),
        ...(b.region ? { region: b.region } : {}),
        shippingFen: b.shippingFen,
      },
      {
        onSuccess: (detail) => {
          void message.success(t('marketing.sim.orderCreated', { no: detail.orderNo, paid: formatMoney(detail.paidFen) }));
          setOrder({ detail, pricing: result! });
          setOrdering(false);
        },
        onError: (e) => onError(e, orderForm),
      },
    );
  };

  if (!shop)
    return (
      <PageContainer title={t('marketing.sim.title')}>
        <Alert type="info" showIcon message={t('marketing.pickShop')} />
      </PageContainer>
    );
  return (
    <PageContainer title={t('marketing.sim.title')} bare>
      <Row gutter={16}>
        <Col xs={24} xl={10}>
          <Card>
            <Form form={form} layout="vertical" onFinish={run} initialValues={{ lines: [{ qty: 1 }], shippingYuan: 0 }}>
              <Form.List name="lines">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((f) => (
                      <Flex key={f.key} gap={8} align="start">
                        <Form.Item
                          name={[f.name, 'skuId']}
                          rules={[{ required: true, message: '请选择商品' }]}
                          style={{ flex: 1, minWidth: 0 }}
                        >
                          <SkuPicker data-testid={`sim-sku-${f.name}`} />
                        </Form.Item>
                        <Form.Item name={[f.name, 'qty']} style={{ width: 80 }}>
                          <InputNumber min={1} max={9999} placeholder={t('marketing.sim.qty')} data-testid={`sim-qty-${f.name}`} />
                        </Form.Item>
                        <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} disabled={fields.length === 1} />
                      </Flex>
                    ))}
                    <div style={{ marginBottom: 12 }}>
                      <Button icon={<PlusOutlined />} onClick={() => add({ qty: 1 })} data-testid="sim-add-line">
                        {t('marketing.sim.addLine')}
                      </Button>
                    </div>
                  </>
                )}
              </Form.List>
              <Space wrap align="start">
                <Form.Item name="buyerNick" label={t('marketing.sim.buyer')}>
                  <Input style={{ width: 160 }} data-testid="sim-buyer" />
                </Form.Item>
                <Form.Item name="couponCode" label={t('marketing.sim.couponCode')}>
                  <Input style={{ width: 140 }} data-testid="sim-coupon-code" />
                </Form.Item>
                {result?.coupons.length ? (
                  <Form.Item name="couponIds" label={t('marketing.sim.heldCoupons')}>
                    <Select
                      mode="multiple"
                      style={{ width: 240 }}
                      options={result.coupons.map((c) => ({ value: c.id, label: `${c.templateName}（${c.summary}）` }))}
                    />
                  </Form.Item>
                ) : null}
              </Space>
              <Space wrap align="start">
                <Form.Item name="memberLevel" label={t('marketing.sim.memberLevel')}>
                  <Input style={{ width: 100 }} placeholder="VIP1" />
                </Form.Item>
                <Form.Item name="region" label={t('marketing.sim.region')}>
                  <Input style={{ width: 100 }} placeholder="浙江" />
                </Form.Item>
                <Form.Item name="shippingYuan" label={t('marketing.sim.shipping')}>
                  <InputNumber min={0} precision={2} style={{ width: 100 }} />
                </Form.Item>
                <Form.Item name="at" label={t('marketing.sim.at')}>
                  <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
                </Form.Item>
              </Space>
              <Space>
                <Button type="primary" htmlType="submit" loading={preview.isPending} data-testid="sim-run">
                  {t('marketing.sim.run')}
                </Button>
                {result && can('orders.write') ? (
                  <Button onClick={() => setOrdering(true)} data-testid="sim-order">
                    {t('marketing.sim.order')}
                  </Button>
                ) : null}
              </Space>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card title={t('marketing.sim.result')}>
            {result ? (
              <>
                <PricedLines result={result} testId="sim-lines" />
                {result.applied.length ? (
                  <List
                    size="small"
                    header={<Typography.Text strong>{t('marketing.sim.applied')}</Typography.Text>}
                    dataSource={result.applied}
                    renderItem={(a) => <List.Item>{a.explanation}</List.Item>}
                    data-testid="sim-applied"
                  />
                ) : null}
                {result.refused.length ? (
                  <List
                    size="small"
                    header={<Typography.Text strong>{t('marketing.sim.refused')}</Typography.Text>}
                    dataSource={result.refused}
                    renderItem={(r) => (
                      <List.Item>
                        {r.name}：{r.reason}
                      </List.Item>
                    )}
                  />
                ) : null}
                {result.hints.length ? (
                  <List
                    size="small"
                    header={<Typography.Text strong>{t('marketing.sim.hints')}</Typography.Text>}
                    dataSource={result.hints}
                    renderItem={(h) => <List.Item>{h.message}</List.Item>}
                  />
                ) : null}
              </>
            ) : (
              <Empty description={t('marketing.sim.empty')} />
            )}
          </Card>
          {order ? (
            <Card
              style={{ marginTop: 16 }}
              title={t('marketing.sim.orderPricing', { no: order.detail.orderNo })}
              extra={<Link to={`/orders/${order.detail.id}`}>{t('marketing.sim.openOrder')}</Link>}
              data-testid="sim-order-result"
            >
              <OrderPricingView orderId={order.detail.id} />
            </Card>
          ) : null}
        </Col>
      </Row>
      <Modal
        open={ordering}
        title={t('marketing.sim.orderTitle')}
        onCancel={() => setOrdering(false)}
        onOk={() => orderForm.submit()}
        okButtonProps={{ loading: createOrder.isPending, 'data-testid': 'sim-order-submit' } as ButtonProps}
      >
        <Form
          form={orderForm}
          layout="vertical"
          onFinish={placeOrder}
          initialValues={{ receiverName: '张三', receiverPhone: '13800000000', receiverAddress: '浙江省杭州市西湖区文三路 1 号' }}
        >
          <Form.Item name="receiverName" label={t('marketing.sim.receiverName')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="receiverPhone" label={t('marketing.sim.receiverPhone')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="receiverAddress" label={t('marketing.sim.receiverAddress')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </PageContainer>
  );
}

/** How a stored order was priced (the server's record, not the preview). */
export function OrderPricingView({ orderId }: { orderId: string }) {
  const q = useOrderPricingQuery(orderId);
  if (!q.data) return null;
  if (!q.data.pricing) return <Typography.Text type="secondary">—</Typography.Text>;
  return <PricedLines result={q.data.pricing} testId="order-pricing-lines" />;
}
