import { useMemo, useState } from 'react';
import { App, Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Switch, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { formatFen, parseYuan, type SkuOption } from '@yunying/core';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useCreateOrder, useSkuOptions } from './api';

interface LineForm {
  skuId?: string;
  qty?: number;
  unitPrice?: string;
}

interface CreateForm {
  shopId?: string;
  lines: LineForm[];
  discount?: string;
  shipping?: string;
  buyerNick?: string;
  receiverName?: string;
  receiverPhone?: string;
  receiverAddress?: string;
  buyerNote?: string;
  sellerMemo?: string;
  paid: boolean;
}

function newKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** A SKU select that searches the server as the user types. */
function SkuPicker({
  value,
  onChange,
  onPicked,
  testId,
}: {
  value?: string;
  onChange?: (v: string) => void;
  onPicked: (o: SkuOption) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const options = useSkuOptions(q, true);
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value ?? null}
      placeholder={t('orders.new.skuPlaceholder')}
      loading={options.isFetching}
      onChange={(v: string) => {
        const o = options.data?.find((x) => x.skuId === v);
        if (o) onPicked(o);
        onChange?.(v);
      }}
      options={(options.data ?? []).map((o) => ({
        value: o.skuId,
        label: `${o.code} · ${o.title}${o.specText ? `（${o.specText}）` : ''} · ${formatFen(o.priceFen)} · ${t('orders.new.available', { count: o.available })}`,
        disabled: o.available <= 0,
      }))}
      data-testid={testId}
    />
  );
}

const yuanRule = (message: string) => ({
  validator: (_: unknown, v: string | undefined) => (!v || parseYuan(v) !== null ? Promise.resolve() : Promise.reject(new Error(message))),
});

export function OrderCreatePage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { shops, shop } = useShop();
  const { message } = App.useApp();
  const onError = useApiError();
  const navigate = useNavigate();
  const [form] = Form.useForm<CreateForm>();
  const create = useCreateOrder();
  const [key, setKey] = useState(newKey);
  const [picked, setPicked] = useState<Record<string, SkuOption>>({});
  const values = Form.useWatch([], form) as CreateForm | undefined;

  const summary = useMemo(() => {
    let goods = 0;
    for (const l of values?.lines ?? []) {
      const o = l?.skuId ? picked[l.skuId] : undefined;
      if (!o) continue;
      const unit = l.unitPrice ? (parseYuan(l.unitPrice) ?? o.priceFen) : o.priceFen;
      goods += unit * (l.qty ?? 0);
    }
    const discount = parseYuan(values?.discount ?? '') ?? 0;
    const shipping = parseYuan(values?.shipping ?? '') ?? 0;
    return { goods, discount, shipping, total: goods - discount + shipping };
  }, [values, picked]);

  const submit = (v: CreateForm) => {
    const body = {
      shopId: v.shopId ?? '',
      lines: v.lines.map((l) => ({
        skuId: l.skuId ?? '',
        qty: l.qty ?? 1,
        ...(l.unitPrice ? { unitPriceFen: parseYuan(l.unitPrice) ?? 0 } : {}),
      })),
      discountFen: parseYuan(v.discount ?? '') ?? 0,
      shippingFen: parseYuan(v.shipping ?? '') ?? 0,
      buyerNick: v.buyerNick?.trim() ?? '',
      receiverName: v.receiverName?.trim() ?? '',
      receiverPhone: v.receiverPhone?.trim() ?? '',
      receiverAddress: v.receiverAddress?.trim() ?? '',
      buyerNote: v.buyerNote?.trim() ?? '',
      sellerMemo: v.sellerMemo?.trim() ?? '',
      paid: v.paid,
    };
    create.mutate(
      { body, key },
      {
        onSuccess: (o) => {
          void message.success(t('orders.new.created', { orderNo: o.orderNo }));
          setKey(newKey());
          navigate(`/orders/${o.id}`);
        },
        onError: (e) => {
          // Map server paths like discountFen / lines.0.skuId onto the form's fields.
          onError(e, form);
        },
      },
    );
  };

  const required = { required: true, whitespace: true, message: t('orders.new.required') };

  return (
    <PageContainer title={t('orders.new.title')}>
      <Form<CreateForm>
        form={form}
        layout="vertical"
        onFinish={submit}
        disabled={create.isPending}
        initialValues={{ shopId: shop?.id ?? (shops.length === 1 ? shops[0]!.id : undefined), lines: [{ qty: 1 }], paid: true }}
        data-testid="order-form"
      >
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="shopId" label={t('orders.new.shop')} rules={[{ required: true, message: t('orders.new.shopRequired') }]}>
              <Select
                options={shops
                  .filter((s) => s.status === 'active')
                  .map((s) => ({ value: s.id, label: `${s.name} · ${labels.channel(s.channel)}` }))}
                data-testid="order-shop"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="paid" label={t('orders.new.paid')} valuePropName="checked" extra={t('orders.new.paidHint')}>
              <Switch data-testid="order-paid-switch" />
            </Form.Item>
          </Col>
        </Row>
        <Card size="small" title={t('orders.new.lines')} style={{ marginBottom: 16 }}>
          <Form.List name="lines">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field, i) => (
                  <Row gutter={8} key={field.key} align="top">
                    <Col flex="auto">
                      <Form.Item
                        name={[field.name, 'skuId']}
                        label={i === 0 ? t('orders.new.sku') : undefined}
                        rules={[{ required: true, message: t('orders.new.skuRequired') }]}
                      >
                        <SkuPicker testId={`order-line-sku-${i}`} onPicked={(o) => setPicked((p) => ({ ...p, [o.skuId]: o }))} />
                      </Form.Item>
                    </Col>
                    <Col flex="110px">
                      <Form.Item
                        name={[field.name, 'qty']}
                        label={i === 0 ? t('orders.new.qty') : undefined}
                        rules={[{ required: true, message: t('orders.new.required') }]}
                      >
                        <InputNumber min={1} max={9999} precision={0} style={{ width: '100%' }} data-testid={`order-line-qty-${i}`} />
                      </Form.Item>
                    </Col>
                    <Col flex="150px">
                      <Form.Item
                        name={[field.name, 'unitPrice']}
                        label={i === 0 ? t('orders.new.unitPrice') : undefined}
                        rules={[yuanRule(t('orders.new.amountInvalid'))]}
                      >
                        <Input placeholder={t('orders.new.unitPriceHint')} />
                      </Form.Item>
                    </Col>
                    <Col flex="40px" style={{ paddingTop: i === 0 ? 30 : 0 }}>
                      <Button
                        icon={<DeleteOutlined />}
                        disabled={fields.length === 1}
                        onClick={() => remove(field.name)}
                        aria-label={t('common.delete')}
                      />
                    </Col>
                  </Row>
                ))}
                <Button icon={<PlusOutlined />} onClick={() => add({ qty: 1 })} data-testid="order-line-add">
                  {t('orders.new.addLine')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>
        <Row gutter={16}>
          <Col xs={12} md={6}>
            <Form.Item name="discount" label={t('orders.new.discount')} rules={[yuanRule(t('orders.new.amountInvalid'))]}>
              <Input placeholder="0.00" data-testid="order-discount" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="shipping" label={t('orders.new.shipping')} rules={[yuanRule(t('orders.new.amountInvalid'))]}>
              <Input placeholder="0.00" data-testid="order-shipping" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label=" ">
              <Typography.Text strong data-testid="order-summary">
                {t('orders.new.summary', {
                  goods: formatFen(summary.goods),
                  discount: formatFen(summary.discount),
                  shipping: formatFen(summary.shipping),
                  total: formatFen(summary.total),
                })}
              </Typography.Text>
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="buyerNick" label={t('orders.new.buyerNick')} rules={[required]}>
              <Input maxLength={100} data-testid="order-buyer" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="receiverName" label={t('orders.new.receiverName')} rules={[required]}>
              <Input maxLength={100} data-testid="order-receiver" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="receiverPhone" label={t('orders.new.receiverPhone')} rules={[required]}>
              <Input maxLength={20} data-testid="order-phone" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="receiverAddress" label={t('orders.new.receiverAddress')} rules={[required]}>
          <Input maxLength={400} data-testid="order-address" />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="buyerNote" label={t('orders.new.buyerNote')}>
              <Input.TextArea rows={2} maxLength={1000} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="sellerMemo" label={t('orders.new.sellerMemo')}>
              <Input.TextArea rows={2} maxLength={1000} />
            </Form.Item>
          </Col>
        </Row>
        <Space>
          <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="order-save">
            {t('common.save')}
          </Button>
          <Button onClick={() => navigate('/orders')}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </PageContainer>
  );
}
