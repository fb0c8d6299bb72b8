import { useEffect } from 'react';
import {
  Alert,
  App,
  Button,
  Checkbox,
  DatePicker,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { PROMOTION_KIND_LABELS, PROMOTION_KINDS, type PromotionKind, type PromotionRequest, type PromotionSummary } from '@yunying/core';
import { formatMoney } from '../../components/format';
import { useApiError } from '../../components/useApiError';
import { SkuPicker } from '../inventory/pickers';
import { useCheckPromotion, usePromotionAction, useSavePromotion } from './api';

export interface PromotionFormValues {
  name: string;
  kind: PromotionKind;
  window: [Dayjs, Dayjs];
  weekdays?: number[];
  exclusiveGroup?: string;
  priority?: number;
  skuIds?: string[];
  memberLevels?: string[];
  regions?: string[];
  cutType?: 'percent' | 'amount' | 'price';
  zhe?: number;
  offYuan?: number;
  priceYuan?: number;
  perBuyerLimit?: number;
  thresholdYuan?: number;
  minQty?: number;
  repeat?: boolean;
  capYuan?: number;
  buyQty?: number;
  getQty?: number;
  getZhe?: number;
  giftSku?: string;
  giftQty?: number;
  memberLevel?: string;
}

const fen = (yuan: number | undefined) => Math.round((yuan ?? 0) * 100);
const bpOfZhe = (zhe: number | undefined) => Math.round((10 - (zhe ?? 10)) * 1000);
const zheOfBp = (bp: number) => (10000 - bp) / 1000;

function cutOf(v: PromotionFormValues) {
  if (v.cutType === 'amount') return { type: 'amount' as const, offFen: fen(v.offYuan) };
  if (v.cutType === 'price') return { type: 'price' as const, priceFen: fen(v.priceYuan) };
  return { type: 'percent' as const, offBp: bpOfZhe(v.zhe) };
}

/** The form's fields as the API's promotion body (pricing contract shapes, money in fen). */
export function toRequest(shopId: string, v: PromotionFormValues, version?: number): PromotionRequest {
  const rule = (() => {
    switch (v.kind) {
      case 'item_discount':
      case 'flash_sale':
        return { kind: v.kind, cut: cutOf(v), ...(v.perBuyerLimit ? { perBuyerLimit: v.perBuyerLimit } : {}) };
      case 'member_price':
        return { kind: v.kind, levels: [{ level: v.memberLevel ?? '', cut: cutOf(v) }] };
      case 'bundle':
        return { kind: v.kind, items: (v.skuIds ?? []).map((skuId) => ({ skuId, qty: 1 })), priceFen: fen(v.priceYuan) };
      case 'buy_x_get_y':
        return { kind: v.kind, buyQty: v.buyQty ?? 1, getQty: v.getQty ?? 1, getOffBp: bpOfZhe(v.getZhe ?? 0), pool: 'sku' as const };
      case 'full_reduction':
        return {
          kind: v.kind,
          tiers: [{ thresholdFen: fen(v.thresholdYuan), offFen: fen(v.offYuan) }],
          repeat: !!v.repeat,
          ...(v.capYuan ? { capFen: fen(v.capYuan) } : {}),
        };
      case 'full_discount':
        return {
          kind: v.kind,
          tiers: [{ thresholdFen: fen(v.thresholdYuan), offBp: bpOfZhe(v.zhe) }],
          ...(v.capYuan ? { capFen: fen(v.capYuan) } : {}),
        };
      case 'qty_discount':
        return { kind: v.kind, tiers: [{ minQty: v.minQty ?? 2, offBp: bpOfZhe(v.zhe) }] };
      case 'gift':
        return {
          kind: v.kind,
          thresholdFen: fen(v.thresholdYuan),
          gifts: [{ skuId: v.giftSku ?? '', qty: v.giftQty ?? 1 }],
          repeat: false,
        };
      case 'free_shipping':
        return { kind: v.kind, thresholdFen: fen(v.thresholdYuan) };
    }
  })();
  const scope = {
    ...(v.kind !== 'bundle' && v.skuIds?.length ? { skuIds: v.skuIds } : {}),
    ...(v.memberLevels?.length ? { memberLevels: v.memberLevels } : {}),
    ...(v.regions?.length ? { regions: v.regions } : {}),
  };
  return {
    shopId,
    name: v.name,
    startsAt: v.window[0].toISOString(),
    endsAt: v.window[1].toISOString(),
    weekdays: v.weekdays ?? [],
    scope,
    ...(v.exclusiveGroup ? { exclusiveGroup: v.exclusiveGroup } : {}),
    priority: v.priority ?? 100,
    rule: rule as PromotionRequest['rule'],
    ...(version !== undefined ? { version } : {}),
  };
}

/** A stored promotion back into the form's fields. */
export function toValues(p: PromotionSummary): PromotionFormValues {
  const r = p.rule;
  const v: PromotionFormValues = {
    name: p.name,
    kind: r.kind,
    window: [dayjs(p.startsAt), dayjs(p.endsAt)],
    weekdays: p.weekdays,
    ...(p.exclusiveGroup ? { exclusiveGroup: p.exclusiveGroup } : {}),
    priority: p.priority,
    skuIds: p.scope.skuIds ?? [],
    memberLevels: p.scope.memberLevels ?? [],
    regions: p.scope.regions ?? [],
  };
  const cut = (c: { type: string; offBp?: number; offFen?: number; priceFen?: number }) => {
    v.cutType = c.type as PromotionFormValues['cutType'];
    if (c.offBp !== undefined) v.zhe = zheOfBp(c.offBp);
    if (c.offFen !== undefined) v.offYuan = c.offFen / 100;
    if (c.priceFen !== undefined) v.priceYuan = c.priceFen / 100;
  };
  if (r.kind === 'item_discount' || r.kind === 'flash_sale') {
    cut(r.cut);
    if (r.perBuyerLimit) v.perBuyerLimit = r.perBuyerLimit;
  } else if (r.kind === 'member_price') {
    v.memberLevel = r.levels[0]?.level ?? '';
    if (r.levels[0]) cut(r.levels[0].cut);
  } else if (r.kind === 'bundle') {
    v.skuIds = r.items.map((i) => i.skuId);
    v.priceYuan = r.priceFen / 100;
  } else if (r.kind === 'buy_x_get_y') Object.assign(v, { buyQty: r.buyQty, getQty: r.getQty, getZhe: zheOfBp(r.getOffBp) });
  else if (r.kind === 'full_reduction')
    Object.assign(v, {
      thresholdYuan: r.tiers[0]!.thresholdFen / 100,
      offYuan: r.tiers[0]!.offFen / 100,
      repeat: r.repeat,
      capYuan: r.capFen ? r.capFen / 100 : undefined,
    });
  else if (r.kind === 'full_discount')
    Object.assign(v, {
      thresholdYuan: r.tiers[0]!.thresholdFen / 100,
      zhe: zheOfBp(r.tiers[0]!.offBp),
      capYuan: r.capFen ? r.capFen / 100 : undefined,
    });
  else if (r.kind === 'qty_discount') Object.assign(v, { minQty: r.tiers[0]!.minQty, zhe: zheOfBp(r.tiers[0]!.offBp) });
  else if (r.kind === 'gift')
    Object.assign(v, { thresholdYuan: r.thresholdFen / 100, giftSku: r.gifts[0]?.skuId, giftQty: r.gifts[0]?.qty });
  else if (r.kind === 'free_shipping') v.thresholdYuan = r.thresholdFen / 100;
  return v;
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: `周${'一二三四五六日'[d - 1]}` }));

function CutFields() {
  const { t } = useTranslation();
  const cutType = Form.useWatch<PromotionFormValues['cutType']>('cutType');
  return (
    <Space wrap align="start">
      <Form.Item name="cutType" label={t('marketing.form.cutType')} initialValue="percent">
        <Select
          style={{ width: 120 }}
          options={[
            { value: 'percent', label: t('marketing.form.cutPercent') },
            { value: 'amount', label: t('marketing.form.cutAmount') },
            { value: 'price', label: t('marketing.form.cutPrice') },
          ]}
        />
      </Form.Item>
      {cutType === 'amount' ? (
        <Form.Item name="offYuan" label={t('marketing.form.offYuan')} rules={[{ required: true }]}>
          <InputNumber min={0.01} step={1} precision={2} data-testid="promo-off" />
        </Form.Item>
      ) : cutType === 'price' ? (
        <Form.Item name="priceYuan" label={t('marketing.form.priceYuan')} rules={[{ required: true }]}>
          <InputNumber min={0} step={1} precision={2} />
        </Form.Item>
      ) : (
        <Form.Item name="zhe" label={t('marketing.form.discountZhe')} rules={[{ required: true }]}>
          <InputNumber min={0.1} max={9.99} step={0.5} precision={2} />
        </Form.Item>
      )}
    </Space>
  );
}

function RuleFields({ kind }: { kind: PromotionKind }) {
  const { t } = useTranslation();
  const money = (name: string, label: string, required = true, testId?: string) => (
    <Form.Item name={name} label={label} rules={required ? [{ required: true }] : []}>
      <InputNumber min={0} step={10} precision={2} style={{ width: 130 }} {...(testId ? { 'data-testid': testId } : {})} />
    </Form.Item>
  );
  const count = (name: string, label: string, required = true) => (
    <Form.Item name={name} label={label} rules={required ? [{ required: true }] : []}>
      <InputNumber min={1} step={1} precision={0} style={{ width: 110 }} />
    </Form.Item>
  );
  switch (kind) {
    case 'item_discount':
    case 'flash_sale':
      return (
        <Space wrap align="start">
          <CutFields />
          {count('perBuyerLimit', t('marketing.form.perBuyerLimit'), false)}
        </Space>
      );
    case 'member_price':
      return (
        <Space wrap align="start">
          <Form.Item name="memberLevel" label={t('marketing.form.memberLevel')} rules={[{ required: true }]}>
            <Input style={{ width: 120 }} placeholder="VIP1" />
          </Form.Item>
          <CutFields />
        </Space>
      );
    case 'bundle':
      return money('priceYuan', t('marketing.form.priceYuan'));
    case 'buy_x_get_y':
      return (
        <Space wrap align="start">
          {count('buyQty', t('marketing.form.buyQty'))}
          {count('getQty', t('marketing.form.getQty'))}
          <Form.Item name="getZhe" label={t('marketing.form.getZhe')} initialValue={0}>
            <InputNumber min={0} max={9.99} step={0.5} precision={2} />
          </Form.Item>
        </Space>
      );
    case 'full_reduction':
      return (
        <Space wrap align="start">
          {money('thresholdYuan', t('marketing.form.thresholdYuan'), true, 'promo-threshold')}
          {money('offYuan', t('marketing.form.offYuan'), true, 'promo-off')}
          {money('capYuan', t('marketing.form.capYuan'), false)}
          <Form.Item name="repeat" valuePropName="checked" label=" ">
            <Checkbox>{t('marketing.form.repeat')}</Checkbox>
          </Form.Item>
        </Space>
      );
    case 'full_discount':
      return (
        <Space wrap align="start">
          {money('thresholdYuan', t('marketing.form.thresholdYuan'))}
          <Form.Item name="zhe" label={t('marketing.form.discountZhe')} rules={[{ required: true }]}>
            <InputNumber min={0.1} max={9.99} step={0.5} precision={2} />
          </Form.Item>
          {money('capYuan', t('marketing.form.capYuan'), false)}
        </Space>
      );
    case 'qty_discount':
      return (
        <Space wrap align="start">
          {count('minQty', t('marketing.form.minQty'))}
          <Form.Item name="zhe" label={t('marketing.form.discountZhe')} rules={[{ required: true }]}>
            <InputNumber min={0.1} max={9.99} step={0.5} precision={2} />
          </Form.Item>
        </Space>
      );
    case 'gift':
      return (
        <Space wrap align="start">
          {money('thresholdYuan', t('marketing.form.thresholdYuan'))}
          <Form.Item name="giftSku" label={t('marketing.form.giftSku')} rules={[{ required: true }]}>
            <SkuPicker style={{ width: 320 }} />
          </Form.Item>
          {count('giftQty', t('marketing.form.giftQty'))}
        </Space>
      );
    case 'free_shipping':
      return (
        <Space wrap align="start">
          {money('thresholdYuan', t('marketing.form.thresholdYuan'))}
          <Form.Item name="regions" label={t('marketing.form.regions')}>
            <Select mode="tags" style={{ width: 320 }} placeholder="浙江、江苏" />
          </Form.Item>
        </Space>
      );
  }
}

/** Create or edit a promotion; the check (conflicts, margins) runs on demand and before saving. */
export function PromotionForm({
  shopId,
  editing,
  open,
  onClose,
}: {
  shopId: string;
  editing: PromotionSummary | null;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<PromotionFormValues>();
  const kind = Form.useWatch<PromotionKind>('kind', form) ?? 'full_reduction';
  const save = useSavePromotion();
  const check = useCheckPromotion();
  const act = usePromotionAction();

  useEffect(() => {
    if (!open) return;
    check.reset();
    form.resetFields();
    if (editing) form.setFieldsValue(toValues(editing));
    else
      form.setFieldsValue({ kind: 'full_reduction', window: [dayjs().startOf('day'), dayjs().add(7, 'day').endOf('day')], priority: 100 });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, editing]);

  const body = async () => toRequest(shopId, await form.validateFields(), editing?.version);
  const runCheck = async () => {
    const b = await body();
    check.mutate({ ...(editing ? { id: editing.id } : {}), body: b }, { onError: (e) => onError(e, form) });
  };
  const submit = async (launch: boolean) => {
    const b = await body();
    save.mutate(
      { ...(editing ? { id: editing.id } : {}), body: b },
      {
        onSuccess: (p) => {
          if (!launch) {
            void message.success(t('marketing.form.saved'));
            onClose();
            return;
          }
          const go = (accept: boolean) =>
            act.mutate(
              { id: p.id, action: 'launch', acceptMarginWarnings: accept },
              {
                onSuccess: () => {
                  void message.success(t('marketing.promotions.done.launch'));
                  onClose();
                },
                onError: (e) => {
                  if (!accept && (e as { status?: number }).status === 422)
                    modal.confirm({
                      title: t('marketing.promotions.marginConfirm'),
                      content: (e as Error).message,
                      okText: t('marketing.promotions.marginConfirmOk'),
                      onOk: () => go(true),
                    });
                  else onError(e, form);
                },
              },
            );
          go(false);
        },
        onError: (e) => onError(e, form),
      },
    );
  };
  const res = check.data;
  return (
    <Modal
      open={open}
      onCancel={onClose}
      width={960}
      title={editing ? t('marketing.form.titleEdit') : t('marketing.form.titleNew')}
      destroyOnHidden
      footer={
        <Flex justify="space-between">
          <Button onClick={() => void runCheck()} loading={check.isPending} data-testid="promo-check">
            {t('marketing.form.check')}
          </Button>
          <Space>
            <Button onClick={() => void submit(false)} loading={save.isPending} data-testid="promo-save">
              {t('marketing.form.save')}
            </Button>
            {!editing || editing.status === 'draft' ? (
              <Button
                type="primary"
                onClick={() => void submit(true)}
                loading={save.isPending || act.isPending}
                data-testid="promo-save-launch"
              >
                {t('marketing.form.saveAndLaunch')}
              </Button>
            ) : null}
          </Space>
        </Flex>
      }
    >
      <Form form={form} layout="vertical" onValuesChange={() => check.reset()}>
        <Space wrap align="start">
          <Form.Item name="name" label={t('marketing.form.name')} rules={[{ required: true, message: '请填写活动名称' }]}>
            <Input style={{ width: 260 }} maxLength={80} data-testid="promo-name" />
          </Form.Item>
          <Form.Item name="kind" label={t('marketing.form.kind')} rules={[{ required: true }]}>
            <Select
              style={{ width: 160 }}
              disabled={!!editing}
              data-testid="promo-kind"
              options={PROMOTION_KINDS.map((k) => ({ value: k, label: PROMOTION_KIND_LABELS[k].zh }))}
            />
          </Form.Item>
          <Form.Item name="window" label={t('marketing.form.window')} rules={[{ required: true }]}>
            <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
          </Form.Item>
        </Space>
        <RuleFields kind={kind} />
        <Space wrap align="start">
          <Form.Item name="skuIds" label={t('marketing.form.scopeSkus')} style={{ minWidth: 360 }}>
            <SkuPicker multiple style={{ width: 360 }} />
          </Form.Item>
          <Form.Item name="exclusiveGroup" label={t('marketing.form.exclusiveGroup')} tooltip={t('marketing.form.exclusiveHint')}>
            <Input style={{ width: 140 }} maxLength={40} placeholder="大促" />
          </Form.Item>
          <Form.Item name="priority" label={t('marketing.form.priority')}>
            <InputNumber min={0} max={1000000} style={{ width: 100 }} />
          </Form.Item>
        </Space>
        <Space wrap align="start">
          <Form.Item name="weekdays" label={t('marketing.form.weekdays')} tooltip={t('marketing.form.weekdaysHint')}>
            <Checkbox.Group options={WEEKDAYS} />
          </Form.Item>
          <Form.Item name="memberLevels" label={t('marketing.form.memberLevels')}>
            <Select mode="tags" style={{ width: 220 }} placeholder="VIP1" />
          </Form.Item>
        </Space>
      </Form>
      {res ? (
        <div data-testid="promo-check-result">
          {res.conflicts.length ? (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 12 }}
              message={t('marketing.form.conflicts')}
              description={res.conflicts.map((c) => c.message).join('\n')}
            />
          ) : (
            <Alert type="success" showIcon style={{ marginBottom: 12 }} message={t('marketing.form.noConflicts')} />
          )}
          {res.marginApplies ? (
            <>
              <Typography.Text strong>
                {t('marketing.form.margins', { floor: `${(res.minMarginBp / 100).toFixed(0)}%` })}
                {res.belowFloor ? (
                  <Tag color="red" style={{ marginLeft: 8 }}>
                    {t('marketing.form.belowFloor', { n: res.belowFloor })}
                  </Tag>
                ) : null}
              </Typography.Text>
              <Table
                size="small"
                rowKey="skuId"
                style={{ marginTop: 8 }}
                pagination={{ pageSize: 8, hideOnSinglePage: true }}
                dataSource={res.margins}
                columns={[
                  { title: t('marketing.form.marginCols.sku'), key: 'sku', render: (_, m) => `${m.code} · ${m.title}`, ellipsis: true },
                  { title: t('marketing.form.marginCols.price'), dataIndex: 'priceFen', align: 'right', render: formatMoney, width: 110 },
                  {
                    title: t('marketing.form.marginCols.promo'),
                    dataIndex: 'promoPriceFen',
                    align: 'right',
                    render: formatMoney,
                    width: 110,
                  },
                  { title: t('marketing.form.marginCols.cost'), dataIndex: 'costFen', align: 'right', render: formatMoney, width: 110 },
                  {
                    title: t('marketing.form.marginCols.margin'),
                    key: 'margin',
                    align: 'right',
                    width: 110,
                    render: (_, m) =>
                      m.marginBp === null ? (
                        t('marketing.form.noCost')
                      ) : (
                        <span style={{ color: m.belowFloor ? '#cf1322' : undefined }}>{(m.marginBp / 100).toFixed(1)}%</span>
                      ),
                  },
                ]}
              />
            </>
          ) : (
            <Typography.Text type="secondary">{t('marketing.form.marginNA')}</Typography.Text>
          )}
        </div>
      ) : null}
    </Modal>
  );
}
