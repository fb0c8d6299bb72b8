import { useState } from 'react';
import type { ButtonProps } from 'antd';
import {
  Alert,
  App,
  Button,
  Calendar,
  Checkbox,
  DatePicker,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { DownloadOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { ActivityRequest, CalendarEntry, EffectFigures } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatMoney } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { SkuPicker } from '../inventory/pickers';
import {
  effectXlsxUrl,
  useActivity,
  useCalendar,
  useCreateActivity,
  useEffectReport,
  useEndActivity,
  usePromotions,
  useStockCheck,
  useTaskDone,
} from './api';

const COLORS: Record<CalendarEntry['type'], string> = { platform: 'volcano', activity: 'blue', promotion: 'green', member_day: 'purple' };

interface ActivityForm {
  name: string;
  kind: 'platform' | 'own' | 'member_day';
  days: [Dayjs, Dayjs];
  baseline?: [Dayjs, Dayjs];
  promotionIds?: string[];
  skuIds?: string[];
  note?: string;
  tasks?: { title: string; roleName: string; dueDay: Dayjs }[];
}

const D = (d: Dayjs) => d.format('YYYY-MM-DD');

function CreateActivity({
  shopId,
  open,
  onClose,
  onCreated,
}: {
  shopId: string;
  open: boolean;
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const [form] = Form.useForm<ActivityForm>();
  const create = useCreateActivity();
  const promos = usePromotions({ shopId, page: 1, pageSize: 100 });
  const submit = (v: ActivityForm) => {
    const body: ActivityRequest = {
      shopId,
      name: v.name,
      kind: v.kind,
      startDay: D(v.days[0]),
      endDay: D(v.days[1]),
      ...(v.baseline ? { baselineFrom: D(v.baseline[0]), baselineTo: D(v.baseline[1]) } : {}),
      promotionIds: v.promotionIds ?? [],
      skuIds: v.skuIds ?? [],
      note: v.note ?? '',
      tasks: (v.tasks ?? []).map((x) => ({ title: x.title, roleName: x.roleName, dueDay: D(x.dueDay) })),
    };
    create.mutate(body, {
      onSuccess: (a) => {
        void message.success(t('marketing.cal.created'));
        form.resetFields();
        onClose();
        onCreated(a.id);
      },
      onError: (e) => onError(e, form),
    });
  };
  return (
    <Modal
      open={open}
      onCancel={onClose}
      width={820}
      title={t('marketing.cal.create')}
      onOk={() => form.submit()}
      okButtonProps={{ loading: create.isPending, 'data-testid': 'act-save' } as ButtonProps}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{
          kind: 'own',
          days: [dayjs(), dayjs().add(2, 'day')],
          tasks: [
            { title: '核对活动商品库存', roleName: '仓储', dueDay: dayjs() },
            { title: '活动页面与主图上线', roleName: '运营', dueDay: dayjs() },
            { title: '客服活动话术', roleName: '客服', dueDay: dayjs() },
          ],
        }}
      >
        <Space wrap align="start">
          <Form.Item name="name" label={t('marketing.cal.fields.name')} rules={[{ required: true, message: '请填写活动名称' }]}>
            <Input style={{ width: 220 }} data-testid="act-name" />
          </Form.Item>
          <Form.Item name="kind" label={t('marketing.cal.fields.kind')}>
            <Select
              style={{ width: 120 }}
              options={(['own', 'platform', 'member_day'] as const).map((k) => ({ value: k, label: t(`marketing.cal.kinds.${k}`) }))}
            />
          </Form.Item>
          <Form.Item name="days" label={t('marketing.cal.fields.days')} rules={[{ required: true }]}>
            <DatePicker.RangePicker />
          </Form.Item>
          <Form.Item name="baseline" label={t('marketing.cal.fields.baseline')}>
            <DatePicker.RangePicker />
          </Form.Item>
        </Space>
        <Form.Item name="promotionIds" label={t('marketing.cal.fields.promotions')}>
          <Select
            mode="multiple"
            data-testid="act-promotions"
            options={(promos.data?.items ?? [])
              .filter((p) => p.status !== 'ended')
              .map((p) => ({ value: p.id, label: `${p.name}（${p.summary}）` }))}
          />
        </Form.Item>
        <Form.Item name="skuIds" label={t('marketing.cal.fields.skus')}>
          <SkuPicker multiple style={{ width: '100%' }} />
        </Form.Item>
        <Typography.Text strong>{t('marketing.cal.fields.tasks')}</Typography.Text>
        <Form.List name="tasks">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Flex key={f.key} gap={8} align="start" style={{ marginTop: 8 }}>
                  <Form.Item
                    name={[f.name, 'title']}
                    rules={[{ required: true, message: '请填写事项' }]}
                    style={{ flex: 1, marginBottom: 0 }}
                  >
                    <Input placeholder={t('marketing.cal.fields.taskTitle')} />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'roleName']}
                    rules={[{ required: true, message: '请填写负责角色' }]}
                    style={{ width: 120, marginBottom: 0 }}
                  >
                    <Input placeholder={t('marketing.cal.fields.role')} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'dueDay']} rules={[{ required: true, message: '请选择截止日期' }]} style={{ marginBottom: 0 }}>
                    <DatePicker placeholder={t('marketing.cal.fields.due')} />
                  </Form.Item>
                  <Button icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} />
                </Flex>
              ))}
              <Button icon={<PlusOutlined />} style={{ marginTop: 8 }} onClick={() => add({ dueDay: dayjs() })}>
                {t('marketing.cal.fields.addTask')}
              </Button>
            </>
          )}
        </Form.List>
        <Form.Item name="note" label={t('marketing.cal.fields.note')} style={{ marginTop: 12 }}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function change(cur: number, base: number): string {
  if (!base) return '—';
  const r = (cur - base) / base;
  return `${r >= 0 ? '+' : ''}${(r * 100).toFixed(1)}%`;
}

function EffectTable({ current, baseline }: { current: EffectFigures; baseline: EffectFigures }) {
  const { t } = useTranslation();
  const rows: { key: string; cur: number; base: number; money: boolean }[] = [
    { key: 'sales', cur: current.salesFen, base: baseline.salesFen, money: true },
    { key: 'orders', cur: current.orders, base: baseline.orders, money: false },
    { key: 'buyers', cur: current.buyers, base: baseline.buyers, money: false },
    { key: 'newBuyers', cur: current.newBuyers, base: baseline.newBuyers, money: false },
    { key: 'aov', cur: current.aovFen, base: baseline.aovFen, money: true },
    { key: 'cost', cur: current.promotionCostFen, base: baseline.promotionCostFen, money: true },
    { key: 'gross', cur: current.grossProfitFen, base: baseline.grossProfitFen, money: true },
  ];
  return (
    <Table
      size="small"
      rowKey="key"
      pagination={false}
      data-testid="act-effect"
      dataSource={[
        ...rows,
        { key: 'margin', cur: current.marginBp ?? 0, base: baseline.marginBp ?? 0, money: false, pct: true } as (typeof rows)[number] & {
          pct?: boolean;
        },
      ]}
      columns={[
        { title: t('marketing.cal.effectCols.metric'), key: 'm', render: (_, r) => t(`marketing.cal.metrics.${r.key}`) },
        {
          title: t('marketing.cal.effectCols.current'),
          key: 'c',
          align: 'right',
          render: (_, r: { key: string; cur: number; money: boolean; pct?: boolean }) =>
            r.pct ? `${(r.cur / 100).toFixed(1)}%` : r.money ? formatMoney(r.cur) : r.cur,
        },
        {
          title: t('marketing.cal.effectCols.baseline'),
          key: 'b',
          align: 'right',
          render: (_, r: { key: string; base: number; money: boolean; pct?: boolean }) =>
            r.pct ? `${(r.base / 100).toFixed(1)}%` : r.money ? formatMoney(r.base) : r.base,
        },
        {
          title: t('marketing.cal.effectCols.change'),
          key: 'x',
          align: 'right',
          render: (_, r: { key: string; cur: number; base: number; pct?: boolean }) => (r.pct ? '—' : change(r.cur, r.base)),
        },
      ]}
    />
  );
}

function ActivityDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message, modal } = App.useApp();
  const onError = useApiError();
  const a = useActivity(id ?? undefined);
  const stock = useStockCheck(id ?? undefined);
  const done = useTaskDone();
  const end = useEndActivity();
  const ended = a.data?.status === 'ended';
  const effect = useEffectReport(id ?? undefined, !!ended);
  const canWrite = can('marketing.write');
  return (
    <Drawer open={!!id} onClose={onClose} width={760} title={a.data?.name ?? t('marketing.cal.detail')} data-testid="act-drawer">
      {a.data ? (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <Descriptions size="small" column={2}>
            <Descriptions.Item label={t('marketing.cal.fields.kind')}>{t(`marketing.cal.kinds.${a.data.kind}`)}</Descriptions.Item>
            <Descriptions.Item label={t('marketing.cal.fields.days')}>
              {a.data.startDay} 至 {a.data.endDay}{' '}
              <Tag color={ended ? 'default' : 'blue'}>{ended ? t('marketing.cal.endedTag') : t('marketing.cal.planned')}</Tag>
            </Descriptions.Item>
          </Descriptions>
          <div>
            <Typography.Title level={5}>{t('marketing.cal.tasks')}</Typography.Title>
            {a.data.tasks.map((x) => (
              <Flex key={x.id} gap={8} align="center" style={{ padding: '4px 0' }}>
                <Checkbox
                  checked={x.done}
                  disabled={!canWrite}
                  onChange={(e) => done.mutate({ id: a.data!.id, taskId: x.id, done: e.target.checked }, { onError: (er) => onError(er) })}
                >
                  {x.title}
                </Checkbox>
                <Tag>{x.roleName}</Tag>
                <Typography.Text type={x.overdue ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
                  {x.dueDay}
                  {x.overdue ? ` · ${t('marketing.cal.overdue')}` : ''}
                  {x.done && x.doneBy ? ` · ${x.doneBy}` : ''}
                </Typography.Text>
              </Flex>
            ))}
          </div>
          <div>
            <Typography.Title level={5}>
              {t('marketing.cal.stock')}{' '}
              {stock.data ? (
                <Tag color={stock.data.short ? 'red' : 'green'}>
                  {stock.data.short ? t('marketing.cal.stockShort', { n: stock.data.short }) : t('marketing.cal.stockOk')}
                </Tag>
              ) : null}
            </Typography.Title>
            <Table
              size="small"
              rowKey="skuId"
              pagination={false}
              dataSource={stock.data?.rows ?? []}
              locale={{ emptyText: t('marketing.cal.stockEmpty') }}
              data-testid="act-stock"
              columns={[
                { title: t('marketing.cal.stockCols.sku'), key: 'sku', render: (_, r) => `${r.code} · ${r.title}`, ellipsis: true },
                { title: t('marketing.cal.stockCols.available'), dataIndex: 'available', align: 'right', width: 90 },
                { title: t('marketing.cal.stockCols.daily'), dataIndex: 'dailySales', align: 'right', width: 90 },
                { title: t('marketing.cal.stockCols.forecast'), dataIndex: 'forecast', align: 'right', width: 90 },
                {
                  title: t('marketing.cal.stockCols.shortfall'),
                  dataIndex: 'shortfall',
                  align: 'right',
                  width: 80,
                  render: (v: number) => (v ? <Typography.Text type="danger">{v}</Typography.Text> : 0),
                },
              ]}
            />
          </div>
          {!ended && canWrite ? (
            <Button
              danger
              data-testid="act-end"
              loading={end.isPending}
              onClick={() =>
                modal.confirm({
                  title: t('marketing.cal.endConfirm'),
                  onOk: () =>
                    end.mutate(a.data!.id, { onSuccess: () => void message.success(t('marketing.cal.ended')), onError: (e) => onError(e) }),
                })
              }
            >
              {t('marketing.cal.end')}
            </Button>
          ) : null}
          {ended && effect.data ? (
            <div>
              <Flex justify="space-between" align="center">
                <Typography.Title level={5} style={{ margin: 0 }}>
                  {t('marketing.cal.effect', { from: effect.data.activity.baselineFrom, to: effect.data.activity.baselineTo })}
                </Typography.Title>
                <Button icon={<DownloadOutlined />} href={effectXlsxUrl(a.data.id)} data-testid="act-download">
                  {t('marketing.cal.download')}
                </Button>
              </Flex>
              <Typography.Text type="secondary" data-testid="act-effect-scope">
                {effect.data.scope === 'products'
                  ? t('marketing.cal.scopeProducts', { n: effect.data.targetSkus ?? 0 })
                  : t('marketing.cal.scopeShop')}
              </Typography.Text>
              <EffectTable current={effect.data.current} baseline={effect.data.baseline} />
              <Descriptions size="small" column={2} style={{ marginTop: 8 }}>
                <Descriptions.Item label={t('marketing.cal.roi')}>{effect.data.roi ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('marketing.cal.incrementalRoi')}>{effect.data.incrementalRoi ?? '—'}</Descriptions.Item>
              </Descriptions>
            </div>
          ) : null}
        </Space>
      ) : null}
    </Drawer>
  );
}

/** 活动日历: a month with platform events, the shop's activities, promotions and member days. */
export function CalendarPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { shop } = useShop();
  const [month, setMonth] = useState(dayjs().format('YYYY-MM'));
  const cal = useCalendar(shop?.id, month);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  if (!shop)
    return (
      <PageContainer title={t('marketing.cal.title')}>
        <Alert type="info" showIcon message={t('marketing.pickShop')} />
      </PageContainer>
    );
  const entries = cal.data?.entries ?? [];
  const cell = (d: Dayjs) => {
    const day = d.format('YYYY-MM-DD');
    const hits = entries.filter((e) => e.startDay <= day && e.endDay >= day);
    return (
      <Space direction="vertical" size={2} style={{ width: '100%' }}>
        {hits.slice(0, 3).map((e) => (
          <Tag
            key={`${e.type}-${e.id}-${day}`}
            color={COLORS[e.type]}
            style={{
              cursor: e.type === 'activity' || e.type === 'member_day' ? 'pointer' : undefined,
              maxWidth: '100%',
              overflow: 'hidden',
              textOverflow: 'ellipsis',
            }}
            onClick={() => (cal.data?.activities.some((a) => a.id === e.id) ? setOpen(e.id) : undefined)}
            data-testid={`cal-${e.type}-${e.id}`}
          >
            {e.name}
          </Tag>
        ))}
        {hits.length > 3 ? <Typography.Text type="secondary">{t('marketing.cal.more', { n: hits.length - 3 })}</Typography.Text> : null}
      </Space>
    );
  };
  return (
    <PageContainer
      title={t('marketing.cal.title')}
      extra={
        can('marketing.write') ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="act-create">
            {t('marketing.cal.create')}
          </Button>
        ) : null
      }
    >
      <Space wrap style={{ marginBottom: 8 }}>
        {(Object.keys(COLORS) as CalendarEntry['type'][]).map((k) => (
          <Tag key={k} color={COLORS[k]}>
            {t(`marketing.cal.legend.${k}`)}
          </Tag>
        ))}
      </Space>
      <Calendar
        value={dayjs(`${month}-01`)}
        onPanelChange={(d) => setMonth(d.format('YYYY-MM'))}
        cellRender={(d, info) => (info.type === 'date' ? cell(d) : null)}
        mode="month"
      />
      <CreateActivity shopId={shop.id} open={creating} onClose={() => setCreating(false)} onCreated={(id) => setOpen(id)} />
      <ActivityDrawer id={open} onClose={() => setOpen(null)} />
    </PageContainer>
  );
}
