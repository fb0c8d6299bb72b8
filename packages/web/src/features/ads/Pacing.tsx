import { Alert, App, Button, Card, Form, Input, InputNumber, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAuth } from '../../components/AuthContext';
import { EChart } from '../../components/charts/EChart';
import { fenToYuan, formatYuanShort } from '../../components/format';
import { QueryError } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { useAdPacing, useDecideAdvice, useEnterSpendNow, type AdPacing } from './api';
import { money, pct } from './common';

type PacingPlan = AdPacing['plans'][number];
const STATUS_COLOR = { ahead: 'orange', behind: 'blue', on_track: 'green', too_early: 'default' } as const;

function CurveNote({ d }: { d: AdPacing }) {
  const { t } = useTranslation();
  return (
    <Typography.Text type="secondary" data-testid="ads-pacing-curve">
      {d.curve.source === 'hourly'
        ? t('ads.pacing.curveHourly', { from: d.curve.from, to: d.curve.to })
        : d.curve.source === 'traffic'
          ? t('ads.pacing.curveTraffic', { from: d.curve.from, to: d.curve.to, visitors: d.curve.visitors })
          : t('ads.pacing.curveDefault')}
    </Typography.Text>
  );
}

/** The advice page's card: every plan with spend so far today, its pace and its advice. */
export function PacingCard({ shopId }: { shopId: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const { can } = useAuth();
  const q = useAdPacing({ shopId });
  const decide = useDecideAdvice();
  const act = (id: string, decision: 'accepted' | 'dismissed') =>
    decide.mutate(
      { id, decision },
      {
        onSuccess: (res) => {
          void message.success(res.applied ? t('ads.advice.applied', { what: res.applied }) : t('ads.advice.done'));
          void q.refetch();
        },
        onError: (e) => onError(e),
      },
    );
  if (q.isError) return <QueryError error={q.error} onRetry={() => void q.refetch()} />;
  const d = q.data;
  if (d && d.plans.length === 0)
    return <Alert type="info" showIcon message={t('ads.advice.noPacing')} data-testid="ads-advice-no-pacing" />;
  return (
    <Card title={t('ads.pacing.title')} loading={!d} size="small" data-testid="ads-pacing">
      {d ? (
        <Space direction="vertical" style={{ width: '100%' }}>
          <CurveNote d={d} />
          <Table<PacingPlan>
            size="small"
            rowKey="planId"
            dataSource={d.plans}
            pagination={false}
            scroll={{ x: 'max-content' }}
            expandable={{
              rowExpandable: (r) => !!r.pace?.advice,
              expandedRowRender: (r) => <Typography.Paragraph style={{ margin: 0 }}>{r.pace?.advice?.message}</Typography.Paragraph>,
            }}
            columns={[
              {
                title: t('ads.pacing.plan'),
                dataIndex: 'name',
                width: 160,
                render: (v: string, r) => <Link to={`/ads/plans/${r.planId}`}>{v}</Link>,
              },
              { title: t('ads.pacing.clock'), key: 'clock', width: 70, render: (_: unknown, r) => r.points[r.points.length - 1]?.clock },
              ...paceColumns(t),
              {
                title: '',
                key: 'act',
                width: 150,
                render: (_: unknown, r) =>
                  r.advice?.status === 'open' && can('ads.write') ? (
                    <Space>
                      <Popconfirm title={`${t('ads.advice.accept')}？`} onConfirm={() => act(r.advice!.id, 'accepted')}>
                        <Button size="small" type="primary" data-testid="ads-pacing-accept">
                          {t('ads.advice.accept')}
                        </Button>
                      </Popconfirm>
                      <Button size="small" onClick={() => act(r.advice!.id, 'dismissed')}>
                        {t('ads.advice.dismiss')}
                      </Button>
                    </Space>
                  ) : r.advice ? (
                    <Tag>{t(`ads.advice.${r.advice.status}`)}</Tag>
                  ) : null,
              },
            ]}
            data-testid="ads-pacing-plans"
          />
          <Typography.Text type="secondary">{t('ads.pacing.help')}</Typography.Text>
        </Space>
      ) : null}
    </Card>
  );
}

function paceColumns(t: (k: string) => string) {
  const num = { align: 'right' as const, width: 100 };
  return [
    {
      title: t('ads.pacing.spent'),
      key: 'spent',
      ...num,
      render: (_: unknown, r: PacingPlan) => money(r.points[r.points.length - 1]?.spendFen ?? null),
    },
    {
      title: t('ads.pacing.budget'),
      key: 'budget',
      ...num,
      render: (_: unknown, r: PacingPlan) => (r.dailyBudgetFen ? money(r.dailyBudgetFen) : t('ads.pacing.noBudget')),
    },
    {
      title: t('ads.pacing.expected'),
      key: 'expected',
      ...num,
      render: (_: unknown, r: PacingPlan) => (r.pace ? `${money(r.pace.expectedFen)}（${pct(r.pace.expectedShare)}）` : '—'),
    },
    {
      title: t('ads.pacing.projected'),
      key: 'projected',
      ...num,
      render: (_: unknown, r: PacingPlan) => money(r.pace?.projectedFen ?? null),
    },
    { title: t('ads.pacing.capAt'), key: 'cap', width: 90, render: (_: unknown, r: PacingPlan) => r.pace?.capClock ?? '—' },
    {
      title: t('ads.pacing.status'),
      key: 'status',
      width: 100,
      render: (_: unknown, r: PacingPlan) =>
        r.pace ? (
          <Tag color={STATUS_COLOR[r.pace.status]} data-testid={`ads-pace-${r.pace.status}`}>
            {t(`ads.pacing.s.${r.pace.status}`)}
          </Tag>
        ) : null,
    },
  ];
}

/** The plan detail's card: today's spend so far against the curve (chart), and the entry form. */
export function PlanPacing({ shopId, planId, budgetFen }: { shopId: string; planId: string; budgetFen: number | null }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const { can } = useAuth();
  const q = useAdPacing({ shopId, planId });
  const enter = useEnterSpendNow(planId);
  const [form] = Form.useForm<{ time: string; spend: number }>();
  const d = q.data;
  const p = d?.plans.find((x) => x.planId === planId) ?? null;
  const budget = budgetFen ? fenToYuan(budgetFen) : null;
  const option = d
    ? {
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        grid: { left: 60, right: 30, top: 40, bottom: 30 },
        xAxis: { type: 'value', min: 0, max: 24, interval: 2, axisLabel: { formatter: (h: number) => `${h}:00` } },
        yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatYuanShort(v) } },
        series: [
          ...(budget !== null
            ? [
                {
                  name: t('ads.pacing.chartExpected'),
                  type: 'line',
                  symbol: 'none',
                  lineStyle: { type: 'dashed' },
                  data: [[0, 0], ...d.curve.cumulative.map((c, h) => [h + 1, Math.round(c * budget * 100) / 100])],
                },
                {
                  name: t('ads.pacing.chartBudget'),
                  type: 'line',
                  symbol: 'none',
                  lineStyle: { type: 'dotted' },
                  data: [
                    [0, budget],
                    [24, budget],
                  ],
                },
              ]
            : []),
          {
            name: t('ads.pacing.chartSpent'),
            type: 'line',
            symbolSize: 8,
            data: [[0, 0], ...(p?.points ?? []).map((x) => [x.minute / 60, fenToYuan(x.spendFen)])],
          },
        ],
      }
    : null;
  return (
    <Card title={t('ads.pacing.title')} size="small" data-testid="ads-plan-pacing">
      {q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : !d || !option ? (
        <Card loading bordered={false} />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <CurveNote d={d} />
          {p?.pace ? (
            <Space wrap data-testid="ads-plan-pace">
              <Tag color={STATUS_COLOR[p.pace.status]} data-testid={`ads-pace-${p.pace.status}`}>
                {t(`ads.pacing.s.${p.pace.status}`)}
              </Tag>
              <span>
                {t('ads.pacing.clock')} {p.pace.clock} · {t('ads.pacing.spent')} {money(p.pace.spendFen)} · {t('ads.pacing.expected')}{' '}
                {money(p.pace.expectedFen)} · {t('ads.pacing.projected')} {money(p.pace.projectedFen)} · {t('ads.pacing.capAt')}{' '}
                {p.pace.capClock ?? '—'}
              </span>
            </Space>
          ) : (
            <Typography.Text type="secondary">{p ? t('ads.pacing.noBudget') : t('ads.pacing.none')}</Typography.Text>
          )}
          {p?.pace?.advice ? (
            <Alert type={p.pace.status === 'ahead' ? 'warning' : 'info'} showIcon message={p.pace.advice.message} />
          ) : null}
          <EChart height={260} option={option} data-testid="ads-plan-pacing-chart" />
          {can('ads.write') ? (
            <Form
              form={form}
              layout="inline"
              onFinish={(v) =>
                enter.mutate(
                  { time: v.time.trim(), spendFen: Math.round(v.spend * 100) },
                  {
                    onSuccess: () => {
                      void message.success(t('ads.pacing.saved'));
                      form.resetFields();
                    },
                    onError: (e) => onError(e, form),
                  },
                )
              }
              data-testid="ads-spend-now"
            >
              <Form.Item name="time" label={t('ads.pacing.time')} rules={[{ required: true, message: t('ads.pacing.timeHint') }]}>
                <Input placeholder="14:30" style={{ width: 90 }} data-testid="ads-spend-now-time" />
              </Form.Item>
              <Form.Item
                name="spend"
                label={t('ads.pacing.spend')}
                rules={[{ required: true, message: t('ads.detail.required', { what: t('ads.pacing.spend') }) }]}
              >
                <InputNumber min={0} precision={2} addonAfter="¥" style={{ width: 160 }} data-testid="ads-spend-now-amount" />
              </Form.Item>
              <Form.Item>
                <Button type="primary" htmlType="submit" loading={enter.isPending} data-testid="ads-spend-now-save">
                  {t('ads.pacing.enter')}
                </Button>
              </Form.Item>
            </Form>
          ) : null}
          <Typography.Text type="secondary">{t('ads.pacing.help')}</Typography.Text>
        </Space>
      )}
    </Card>
  );
}
