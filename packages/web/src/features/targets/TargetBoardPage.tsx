import { useEffect, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Segmented,
  Select,
  Space,
  Statistic,
  Tooltip,
  Typography,
} from 'antd';
import { QuestionCircleOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { addDays, daysBetween, type KpiDto, type TargetBasis, type TargetBoard, type TargetDto } from '@yunying/core';
import { EChart } from '../../components/charts/EChart';
import { DateRangePicker, todayIn } from '../../components/DateRangePicker';
import { formatCount, formatDecimal, formatMoney, formatPercent, formatYuanShort, fenToYuan, NO_VALUE } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { Loading, QueryError } from '../../components/QueryState';
import { SaveModal } from '../../components/SaveModal';
import { useAuth } from '../../components/AuthContext';
import { useShop } from '../../components/ShopContext';
import { signedColor, useChangeColors } from '../../components/Change';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { useKpis, useSetTarget, useTargetBoard, useTargetList } from './api';

const MISSING_KEYS: Record<string, string> = {
  无推广数据: 'noAds',
  无新客: 'noNew',
  无成交: 'noSales',
  期间无销量: 'noUnits',
  仅当前期间可算: 'onlyNow',
};

interface TargetFormValues {
  salesYuan: number;
  basis: TargetBasis;
  conversionPct?: number;
  aovYuan?: number;
  name?: string;
  range?: [Dayjs, Dayjs];
}

/**
 * Set or change a target: the month's (`board` of a month), an activity's (`board` of one activity,
 * name and window editable), or a new activity (`board` null). The bases with their ratios come
 * from the board; a new activity's are computed by the server for the window chosen.
 */
function TargetForm({
  shopId,
  kind,
  board,
  open,
  onClose,
  onSaved,
}: {
  shopId: string;
  kind: 'month' | 'activity';
  board: TargetBoard | null;
  open: boolean;
  onClose: () => void;
  onSaved?: (t: TargetDto) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const save = useSetTarget();
  const [form] = Form.useForm<TargetFormValues>();
  const basis = Form.useWatch('basis', form);
  const target = board?.target ?? null;
  const initial: Partial<TargetFormValues> = {
    salesYuan: target ? target.salesFen / 100 : undefined,
    basis: target?.basis ?? (!board || board.bases[0]?.conversion !== null ? 'last_month' : 'manual'),
    conversionPct: target ? Number((target.conversion * 100).toFixed(2)) : undefined,
    aovYuan: target ? Math.round(target.aovFen) / 100 : undefined,
    ...(kind === 'activity' && target ? { name: target.name, range: [dayjs(target.startOn), dayjs(target.endOn)] } : {}),
  };
  const title =
    kind === 'activity' ? (target ? t('targets.activity.edit') : t('targets.activity.new')) : target ? t('targets.edit') : t('targets.set');
  return (
    <SaveModal open={open} form={form} saving={save.isPending} onClose={onClose} title={title} submitTestId="target-save" width={560}>
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={initial}
        onFinish={(v) =>
          save.mutate(
            {
              shopId,
              kind,
              ...(kind === 'month'
                ? { month: board!.month }
                : {
                    ...(target ? { id: target.id } : {}),
                    name: v.name ?? '',
                    startOn: v.range![0].format('YYYY-MM-DD'),
                    endOn: v.range![1].format('YYYY-MM-DD'),
                  }),
              salesFen: Math.round(v.salesYuan * 100),
              basis: v.basis,
              ...(v.basis === 'manual' ? { conversion: (v.conversionPct ?? 0) / 100, aovFen: Math.round((v.aovYuan ?? 0) * 100) } : {}),
            },
            {
              onSuccess: (saved) => {
                void message.success(t('targets.form.saved'));
                onSaved?.(saved);
                onClose();
              },
              onError: (e) => onError(e, form),
            },
          )
        }
      >
        {kind === 'activity' ? (
          <>
            <Form.Item
              name="name"
              label={t('targets.activity.name')}
              rules={[{ required: true, whitespace: true, message: t('targets.activity.nameRequired') }]}
            >
              <Input maxLength={100} data-testid="target-name" />
            </Form.Item>
            <Form.Item
              name="range"
              label={t('targets.activity.range')}
              rules={[{ required: true, message: t('targets.activity.rangeRequired') }]}
            >
              <DatePicker.RangePicker style={{ width: '100%' }} data-testid="target-range" />
            </Form.Item>
          </>
        ) : null}
        <Form.Item name="salesYuan" label={t('targets.form.sales')} rules={[{ required: true, message: t('targets.form.salesRequired') }]}>
          <InputNumber min={1} precision={2} style={{ width: '100%' }} data-testid="target-sales" />
        </Form.Item>
        <Form.Item name="basis" label={t('targets.form.basis')}>
          <Radio.Group>
            <Space direction="vertical">
              {board && (kind === 'month' || target)
                ? board.bases.map((b) => (
                    <Radio key={b.basis} value={b.basis} disabled={b.conversion === null} data-testid={`target-basis-${b.basis}`}>
                      {t(`targets.bases.${b.basis}`)}
                      <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                        {b.conversion !== null && b.aovFen !== null
                          ? t('targets.basisLine', {
                              from: b.from,
                              to: b.to,
                              visitors: formatCount(b.visitors),
                              conversion: formatPercent(b.conversion),
                              aov: formatMoney(b.aovFen),
                            })
                          : t('targets.basisNone', { from: b.from, to: b.to })}
                      </Typography.Text>
                    </Radio>
                  ))
                : (['last_month', 'last_year'] as const).map((b) => (
                    <Radio key={b} value={b} data-testid={`target-basis-${b}`}>
                      {t(`targets.bases.${b}`)}
                      <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                        {t(`targets.activity.basisHint.${b}`)}
                      </Typography.Text>
                    </Radio>
                  ))}
              <Radio value="manual" data-testid="target-basis-manual">
                {t('targets.bases.manual')}
              </Radio>
            </Space>
          </Radio.Group>
        </Form.Item>
        {basis === 'manual' ? (
          <Flex gap={12}>
            <Form.Item name="conversionPct" label={t('targets.form.conversion')} rules={[{ required: true }]} style={{ flex: 1 }}>
              <InputNumber min={0.01} max={100} precision={2} style={{ width: '100%' }} data-testid="target-conversion-input" />
            </Form.Item>
            <Form.Item name="aovYuan" label={t('targets.form.aov')} rules={[{ required: true }]} style={{ flex: 1 }}>
              <InputNumber min={0.01} precision={2} style={{ width: '100%' }} data-testid="target-aov-input" />
            </Form.Item>
          </Flex>
        ) : null}
      </Form>
    </SaveModal>
  );
}

function KpiCard({ k }: { k: KpiDto }) {
  const { t } = useTranslation();
  const colors = useChangeColors();
  const fmt = (v: number | null) => {
    if (v === null) return NO_VALUE;
    if (k.key === 'newCustomerCost') return formatMoney(v);
    if (k.key === 'fullRoi') return formatDecimal(v);
    if (k.key === 'inventoryDays') return t('targets.kpi.days', { n: formatDecimal(v, 1) });
    return formatPercent(v);
  };
  // Lower is better for costs and days: a fall is good news, but colours follow rise/fall as everywhere.
  const diff = k.value !== null && k.previous !== null ? k.value - k.previous : null;
  return (
    <Card size="small" style={{ flex: '1 1 200px', minWidth: 180 }} data-testid={`kpi-${k.key}`}>
      <Space size={4}>
        <Typography.Text type="secondary">{t(`targets.kpi.${k.key}`)}</Typography.Text>
        <Tooltip title={t(`targets.kpi.defs.${k.key}`)}>
          <QuestionCircleOutlined style={{ color: '#8c8c8c' }} data-testid={`kpi-def-${k.key}`} />
        </Tooltip>
      </Space>
      <div style={{ fontSize: 24, fontWeight: 600, margin: '4px 0' }} data-testid={`kpi-value-${k.key}`}>
        {k.value === null && k.missing ? (
          <Typography.Text type="secondary" style={{ fontSize: 16 }}>
            {MISSING_KEYS[k.missing] ? t(`targets.kpi.missing.${MISSING_KEYS[k.missing]}`) : k.missing}
          </Typography.Text>
        ) : (
          fmt(k.value)
        )}
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('targets.kpi.previous')} {fmt(k.previous)}
        {diff !== null && diff !== 0 ? (
          <span style={{ color: signedColor(colors, diff), marginLeft: 6 }}>{diff > 0 ? '↑' : '↓'}</span>
        ) : null}
      </Typography.Text>
    </Card>
  );
}

/** The activity to show when none is chosen: the one running today, else the next, else the latest. */
function defaultActivity(list: TargetDto[], today: string): TargetDto | null {
  return list.find((a) => a.startOn <= today && a.endOn >= today) ?? list.find((a) => a.startOn > today) ?? list[list.length - 1] ?? null;
}

export function TargetBoardPage() {
  const { t } = useTranslation();
  const { shop } = useShop();
  const { can } = useAuth();
  const url = useUrlState();
  const view: 'month' | 'activity' = url.get('view') === 'activity' ? 'activity' : 'month';
  const month = url.get('month');
  const today = todayIn(shop?.timezone ?? 'Asia/Shanghai');
  // Activity targets from a year back to a year ahead, for the picker.
  const list = useTargetList(shop?.id ?? null, addDays(today, -365), addDays(today, 365), view === 'activity');
  const activities = (list.data ?? []).filter((x) => x.kind === 'activity');
  const chosen = url.get('target');
  const fallback = view === 'activity' && !chosen ? defaultActivity(activities, today) : null;
  const targetId = view === 'activity' ? (chosen ?? fallback?.id) : undefined;
  const board = useTargetBoard(shop?.id ?? null, view === 'month' ? month : undefined, targetId, view === 'month' || !!targetId);
  const kFrom = url.get('from') ?? `${today.slice(0, 8)}01`;
  const kTo = url.get('to') ?? (addDays(today, -1) >= kFrom ? addDays(today, -1) : today);
  const kpis = useKpis(shop?.id ?? null, kFrom, kTo);
  const [editing, setEditing] = useState<'edit' | 'new' | null>(null);
  useEffect(() => {
    if (fallback) url.patch({ target: fallback.id }, { replace: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fallback?.id]);

  if (!shop)
    return (
      <PageContainer title={t('targets.title')}>
        <Empty description={t('targets.pickShop')} data-testid="targets-pick-shop" />
      </PageContainer>
    );
  const canWrite = can('targets.write');
  const viewSwitch = (
    <Segmented
      value={view}
      onChange={(v) => url.patch({ view: v === 'activity' ? 'activity' : null, target: null })}
      options={[
        { value: 'month', label: <span data-testid="target-view-month">{t('targets.activity.monthTab')}</span> },
        { value: 'activity', label: <span data-testid="target-view-activity">{t('targets.activity.tab')}</span> },
      ]}
    />
  );
  const newActivity = canWrite ? (
    <Button onClick={() => setEditing('new')} data-testid="target-new-activity">
      {t('targets.activity.new')}
    </Button>
  ) : null;
  const form = editing ? (
    <TargetForm
      shopId={shop.id}
      kind={view}
      board={editing === 'new' ? null : (board.data ?? null)}
      open
      onClose={() => setEditing(null)}
      onSaved={(saved) => (saved.kind === 'activity' ? url.patch({ view: 'activity', target: saved.id }) : undefined)}
    />
  ) : null;

  // The form stays at one place in the tree while the body below switches (empty → loading → board).
  const body = (() => {
    if (view === 'activity' && !targetId) {
      if (list.isError) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
      if (list.isLoading) return <Loading />;
      return (
        <PageContainer title={t('targets.title')} bare extra={<Space>{viewSwitch}</Space>}>
          <Card>
            <Empty description={t('targets.activity.none')} data-testid="activity-empty">
              <Typography.Paragraph type="secondary">{t('targets.activity.noneHint')}</Typography.Paragraph>
              {newActivity}
            </Empty>
          </Card>
        </PageContainer>
      );
    }
    if (board.isLoading) return <Loading />;
    if (board.isError || !board.data) return <QueryError error={board.error} onRetry={() => void board.refetch()} />;
    const b = board.data;
    const tg = b.target;
    const s = b.status;
    const isActivity = b.kind === 'activity';

    const option = {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: [t('targets.expected'), t('targets.actual')] },
      grid: { left: 70, right: 20, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: b.pace.days.map((d) => d.day.slice(5)) },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatYuanShort(v) } },
      series: [
        ...(tg
          ? [
              {
                name: t('targets.expected'),
                type: 'line',
                smooth: true,
                showSymbol: false,
                lineStyle: { type: 'dashed' },
                data: b.pace.days.map((d) => (d.expectedCumFen === null ? null : fenToYuan(d.expectedCumFen))),
              },
            ]
          : []),
        {
          name: t('targets.actual'),
          type: 'line',
          showSymbol: false,
          areaStyle: { opacity: 0.15 },
          data: b.pace.days.map((d) => (d.actualCumFen === null ? null : fenToYuan(d.actualCumFen))),
        },
      ],
    };
    const paceNote =
      b.pace.shapedBy === 'activities'
        ? t('targets.activity.paceActivities', { n: b.pace.months })
        : b.pace.shapedBy === 'last_year'
          ? t('targets.activity.paceLastYear')
          : b.pace.shapedBy === 'months'
            ? t('targets.paceShaped', { n: b.pace.months })
            : isActivity
              ? t('targets.activity.paceLinear')
              : t('targets.paceLinear');

    const factor = (label: string, need: string, soFar: string, testId: string) => (
      <Card size="small" style={{ flex: '1 1 180px' }} data-testid={testId}>
        <Typography.Text type="secondary">{label}</Typography.Text>
        <div style={{ fontSize: 20, fontWeight: 600 }}>{need}</div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {isActivity ? t('targets.activity.soFar') : t('targets.soFar')} {soFar}
        </Typography.Text>
      </Card>
    );

    return (
      <PageContainer
        title={t('targets.title')}
        bare
        extra={
          <Space wrap>
            {viewSwitch}
            {isActivity ? (
              <Select
                style={{ minWidth: 240 }}
                value={tg?.id}
                placeholder={t('targets.activity.pick')}
                onChange={(id: string) => url.patch({ target: id })}
                options={activities.map((a) => ({ value: a.id, label: `${a.name}（${a.startOn} ~ ${a.endOn}）` }))}
                data-testid="target-activity-pick"
              />
            ) : (
              <DatePicker
                picker="month"
                allowClear={false}
                value={dayjs(`${b.month}-01`)}
                onChange={(v) => url.patch({ month: v ? v.format('YYYY-MM') : null })}
                data-testid="target-month"
              />
            )}
            {isActivity ? newActivity : null}
            {canWrite ? (
              <Button type="primary" onClick={() => setEditing('edit')} data-testid="target-edit">
                {isActivity ? t('targets.activity.edit') : tg ? t('targets.edit') : t('targets.set')}
              </Button>
            ) : null}
          </Space>
        }
      >
        <Card
          style={{ marginBottom: 16 }}
          data-testid="target-card"
          title={
            isActivity && tg ? (
              <Space>
                <span data-testid="target-activity-name">{tg.name}</span>
                <Typography.Text type="secondary" style={{ fontWeight: 400 }} data-testid="target-window">
                  {t('targets.activity.window', { from: b.startOn, to: b.endOn, n: daysBetween(b.startOn, b.endOn).length })}
                </Typography.Text>
              </Space>
            ) : undefined
          }
        >
          {tg ? (
            <>
              <Flex gap={24} wrap style={{ marginBottom: 12 }}>
                <Statistic title={t('targets.sales')} value={formatMoney(tg.salesFen)} data-testid="target-sales-value" />
                <Statistic title={t('targets.status.actual')} value={formatMoney(s.actualFen)} data-testid="target-actual" />
                <Statistic
                  title={t('targets.status.expected')}
                  value={s.expectedFen === null ? NO_VALUE : formatMoney(s.expectedFen)}
                  data-testid="target-expected"
                />
                <Statistic
                  title={t('targets.status.ratio')}
                  value={s.ratio === null ? NO_VALUE : formatPercent(s.ratio, 1)}
                  valueStyle={s.ratio !== null ? { color: s.ratio >= 1 ? '#389e0d' : '#cf1322' } : undefined}
                  data-testid="target-ratio"
                />
                <Statistic
                  title={isActivity ? t('targets.activity.forecast') : t('targets.status.forecast')}
                  value={s.forecastFen === null ? NO_VALUE : formatMoney(s.forecastFen)}
                />
              </Flex>
              <Typography.Text type="secondary">{t('targets.status.elapsed', { n: s.elapsed })}</Typography.Text>
              <Typography.Title level={5} style={{ marginTop: 12 }}>
                {t('targets.split')}{' '}
                <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 400 }}>
                  {t('targets.splitHint')}（{t(`targets.bases.${tg.basis}`)}）
                </Typography.Text>
              </Typography.Title>
              <Flex gap={12} wrap>
                {factor(t('targets.visitors'), formatCount(tg.visitors), formatCount(s.visitors), 'target-visitors')}
                {factor(
                  t('targets.conversion'),
                  formatPercent(tg.conversion),
                  s.conversion === null ? NO_VALUE : formatPercent(s.conversion),
                  'target-conversion',
                )}
                {factor(t('targets.aov'), formatMoney(tg.aovFen), s.aovFen === null ? NO_VALUE : formatMoney(s.aovFen), 'target-aov')}
                {factor(t('targets.buyers'), formatCount(tg.buyers), formatCount(s.buyers), 'target-buyers')}
              </Flex>
            </>
          ) : (
            <Empty description={t('targets.noTarget')} data-testid="target-empty" />
          )}
        </Card>
        <Card title={t('targets.pace')} style={{ marginBottom: 16 }}>
          <Alert type="info" showIcon message={paceNote} style={{ marginBottom: 8 }} data-testid="pace-note" />
          <EChart option={option} height={280} data-testid="pace-chart" />
        </Card>
        {isActivity ? null : (
          <Card
            title={t('targets.kpi.title')}
            extra={
              <DateRangePicker
                from={kFrom}
                to={kTo}
                today={today}
                onChange={(r) => url.patch({ from: r.from, to: r.to })}
                testId="kpi-period"
              />
            }
            data-testid="kpi-board"
          >
            {kpis.isError ? (
              <QueryError error={kpis.error} onRetry={() => void kpis.refetch()} />
            ) : !kpis.data ? (
              <Loading />
            ) : (
              <Flex gap={12} wrap>
                {kpis.data.kpis.map((k) => (
                  <KpiCard key={k.key} k={k} />
                ))}
              </Flex>
            )}
          </Card>
        )}
      </PageContainer>
    );
  })();
  return (
    <>
      {body}
      {form}
    </>
  );
}
