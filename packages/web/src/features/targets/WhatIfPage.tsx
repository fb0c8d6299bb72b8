import { useMemo, useState } from 'react';
import { Alert, Button, Card, Empty, Flex, Form, InputNumber, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  SOURCE_GROUPS,
  activityBand,
  addDays,
  whatIf,
  type Fit,
  type WhatIfBaseDto,
  type WhatIfChange,
  type WhatIfOutcome,
} from '@yunying/core';
import { EChart } from '../../components/charts/EChart';
import { DateRangePicker, todayIn } from '../../components/DateRangePicker';
import { fenToYuan, formatCount, formatDecimal, formatMoney, formatPercent, NO_VALUE } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { Loading, QueryError } from '../../components/QueryState';
import { useShop } from '../../components/ShopContext';
import { signedColor, useChangeColors } from '../../components/Change';
import { useUrlState } from '../../components/useUrlState';
import { useWhatIfBase } from './api';

interface Inputs {
  traffic: Record<string, number>;
  conversion: number;
  aov: number;
  discountPct: number | null;
  adBudget: number;
  cost: number;
}
const ZERO: Inputs = { traffic: {}, conversion: 0, aov: 0, discountPct: null, adBudget: 0, cost: 0 };

/** The stated assumption when the ad sales' response cannot be fitted: constant ROI (β = 1, no interval). */
const CONSTANT_ROI: Fit = { slope: 1, intercept: 0, se: 0, low: 1, high: 1, n: 0, r2: 0 };

/** Plan spend and ad sales of the base period (the ad tools' own days, 淘宝客 commission not included). */
function adTotals(w: WhatIfBaseDto) {
  let spendFen = 0;
  let salesFen = 0;
  for (const d of w.adHistory) {
    if (d.day < w.from || d.day > w.to) continue;
    spendFen += d.spendFen;
    salesFen += d.salesFen;
  }
  return { spendFen, salesFen, roi: spendFen > 0 ? salesFen / spendFen : null };
}

/** Daily ad spend against ad sales, with the fitted curve sales = c · spend^β through the points' centre. */
function AdResponseChart({ w, fit }: { w: WhatIfBaseDto; fit: Fit }) {
  const { t } = useTranslation();
  const pts = w.adHistory.filter((d) => d.spendFen > 0 && d.salesFen > 0);
  if (pts.length < 3) return null;
  const lnC = pts.reduce((a, d) => a + Math.log(d.salesFen) - fit.slope * Math.log(d.spendFen), 0) / pts.length;
  const lo = Math.min(...pts.map((d) => d.spendFen));
  const hi = Math.max(...pts.map((d) => d.spendFen));
  const curve = Array.from({ length: 25 }, (_, i) => {
    const x = lo + ((hi - lo) * i) / 24;
    return [fenToYuan(x), fenToYuan(Math.exp(lnC) * Math.pow(x, fit.slope))];
  });
  const option = {
    tooltip: { trigger: 'item' },
    legend: { top: 0, data: [t('targets.whatif.adChartSales'), t('targets.whatif.adChartFit')] },
    grid: { left: 70, right: 20, top: 40, bottom: 40 },
    xAxis: { type: 'value', name: t('targets.whatif.adChartSpend'), nameLocation: 'middle', nameGap: 26, scale: true },
    yAxis: { type: 'value', scale: true },
    series: [
      {
        name: t('targets.whatif.adChartSales'),
        type: 'scatter',
        symbolSize: 6,
        data: pts.map((d) => [fenToYuan(d.spendFen), fenToYuan(d.salesFen), d.day]),
      },
      { name: t('targets.whatif.adChartFit'), type: 'line', showSymbol: false, smooth: true, data: curve },
    ],
  };
  return <EChart option={option} height={240} data-testid="whatif-ad-chart" />;
}

type RowKey = 'visitors' | 'buyers' | 'conversion' | 'aov' | 'sales' | 'cost' | 'grossProfit' | 'grossMargin' | 'adSpend' | 'profit';
const ROWS: { key: RowKey; get: (o: WhatIfOutcome) => number | null; kind: 'count' | 'money' | 'pct' }[] = [
  { key: 'visitors', get: (o) => o.visitors, kind: 'count' },
  { key: 'buyers', get: (o) => o.buyers, kind: 'count' },
  { key: 'conversion', get: (o) => o.conversion, kind: 'pct' },
  { key: 'aov', get: (o) => o.aovFen, kind: 'money' },
  { key: 'sales', get: (o) => o.salesFen, kind: 'money' },
  { key: 'cost', get: (o) => o.costFen, kind: 'money' },
  { key: 'grossProfit', get: (o) => o.grossProfitFen, kind: 'money' },
  { key: 'grossMargin', get: (o) => o.grossMargin, kind: 'pct' },
  { key: 'adSpend', get: (o) => o.adSpendFen, kind: 'money' },
  { key: 'profit', get: (o) => o.profitFen, kind: 'money' },
];

export function WhatIfPage() {
  const { t, i18n } = useTranslation();
  const { shop } = useShop();
  const colors = useChangeColors();
  const url = useUrlState();
  const today = todayIn(shop?.timezone ?? 'Asia/Shanghai');
  const from = url.get('from') ?? addDays(today, -30);
  const to = url.get('to') ?? addDays(today, -1);
  const q = useWhatIfBase(shop?.id ?? null, from, to);
  const [inp, setInp] = useState<Inputs>(ZERO);
  const [band, setBand] = useState({ days: 3, discountPct: 20, trafficPct: 50, sdPct: 20 });

  const w = q.data;
  const result = useMemo(() => {
    if (!w) return null;
    const fit = w.elasticities.discountOnConversion;
    // With ad sales the budget moves the ad share of sales by (1 + b)^β (β fitted, else 1: constant
    // ROI); without them it buys paid-group visitors at the base cost per visitor (constant CPC).
    const hasAdSales = w.base.adSalesFen > 0;
    const trafficBySource: Record<string, number> = {};
    for (const g of Object.keys(w.base.visitorsBySource)) {
      const own = (inp.traffic[g] ?? 0) / 100;
      const ad = !hasAdSales && w.base.adSpendFen > 0 && w.paidGroups.includes(g) ? inp.adBudget / 100 : 0;
      trafficBySource[g] = (1 + own) * (1 + ad) - 1;
    }
    const change: WhatIfChange = {
      trafficBySource,
      conversion: inp.conversion / 100,
      aov: inp.aov / 100,
      adBudget: inp.adBudget / 100,
      cost: inp.cost / 100,
      ...(inp.discountPct !== null ? { discount: inp.discountPct / 100 } : {}),
    };
    return whatIf(w.base, change, {
      discountOnConversion: fit,
      adOnVisitors: null,
      adOnAdSales: hasAdSales ? (w.elasticities.adOnAdSales ?? CONSTANT_ROI) : null,
    });
  }, [w, inp]);

  const bandResult = useMemo(() => {
    if (!w) return null;
    const fit = w.elasticities.discountOnConversion;
    const d0 = w.base.discount;
    const d1 = band.discountPct / 100;
    const conv = fit ? Math.exp(fit.slope * (d1 - d0)) : 1;
    const unitsUplift = (1 + band.trafficPct / 100) * conv;
    const salesUplift = (unitsUplift * (1 - d1)) / (1 - d0);
    const seSpread = fit ? fit.se * Math.abs(d1 - d0) : 0;
    const rel = Math.sqrt(seSpread ** 2 + (band.sdPct / 100) ** 2);
    const history = w.history.slice(-60);
    const sales = activityBand({ history, days: band.days, uplift: salesUplift, upliftSd: salesUplift * rel, seed: 15 });
    const units = activityBand({ history, days: band.days, uplift: unitsUplift, upliftSd: unitsUplift * rel, seed: 15 });
    return sales && units
      ? { sales: sales.salesFen, units: units.units, runs: sales.runs, uplift: salesUplift, sd: salesUplift * rel }
      : null;
  }, [w, band]);

  if (!shop)
    return (
      <PageContainer title={t('targets.whatif.title')}>
        <Empty description={t('targets.pickShop')} />
      </PageContainer>
    );
  if (q.isLoading) return <Loading />;
  if (q.isError || !w || !result) return <QueryError error={q.error} onRetry={() => void q.refetch()} />;

  const fmt = (v: number | null, kind: 'count' | 'money' | 'pct') =>
    v === null ? NO_VALUE : kind === 'count' ? formatCount(v) : kind === 'money' ? formatMoney(v) : formatPercent(v);
  const fit = w.elasticities.discountOnConversion;
  const adFit = w.elasticities.adOnAdSales;
  const ad = adTotals(w);
  const groupName = (code: string) => {
    const g = SOURCE_GROUPS.find((x) => x.code === code);
    return g ? (i18n.language === 'en' ? g.en : g.zh) : code;
  };
  const pctInput = (label: string, value: number, onChange: (v: number) => void, testId: string) => (
    <Form.Item label={label} style={{ marginBottom: 8 }}>
      <InputNumber
        value={value}
        min={-90}
        max={500}
        step={5}
        addonAfter="%"
        onChange={(v) => onChange(Number(v ?? 0))}
        style={{ width: 150 }}
        data-testid={testId}
      />
    </Form.Item>
  );

  return (
    <PageContainer
      title={t('targets.whatif.title')}
      bare
      extra={
        <DateRangePicker from={from} to={to} today={today} onChange={(r) => url.patch({ from: r.from, to: r.to })} testId="whatif-period" />
      }
    >
      <Flex gap={16} align="flex-start" wrap>
        <Card
          title={t('targets.whatif.inputs')}
          style={{ flex: '1 1 340px', minWidth: 0 }}
          extra={<Button onClick={() => setInp(ZERO)}>{t('targets.whatif.reset')}</Button>}
        >
          <Form layout="horizontal" labelCol={{ span: 10 }} labelAlign="left">
            {Object.entries(w.base.visitorsBySource)
              .filter(([, v]) => v > 0)
              .map(([g]) =>
                pctInput(
                  t('targets.whatif.traffic', { group: groupName(g) }),
                  inp.traffic[g] ?? 0,
                  (v) => setInp({ ...inp, traffic: { ...inp.traffic, [g]: v } }),
                  `whatif-traffic-${g}`,
                ),
              )}
            {pctInput(t('targets.whatif.conversion'), inp.conversion, (v) => setInp({ ...inp, conversion: v }), 'whatif-conversion')}
            {pctInput(t('targets.whatif.aov'), inp.aov, (v) => setInp({ ...inp, aov: v }), 'whatif-aov')}
            <Form.Item
              label={t('targets.whatif.discount')}
              style={{ marginBottom: 8 }}
              extra={t('targets.whatif.discountHint', { d: formatPercent(w.base.discount, 1) })}
            >
              <InputNumber
                value={inp.discountPct ?? Number((w.base.discount * 100).toFixed(1))}
                min={0}
                max={90}
                step={5}
                addonAfter="%"
                onChange={(v) => setInp({ ...inp, discountPct: v === null ? null : Number(v) })}
                style={{ width: 150 }}
                data-testid="whatif-discount"
              />
            </Form.Item>
            {pctInput(t('targets.whatif.adBudget'), inp.adBudget, (v) => setInp({ ...inp, adBudget: v }), 'whatif-ad')}
            {pctInput(t('targets.whatif.cost'), inp.cost, (v) => setInp({ ...inp, cost: v }), 'whatif-cost')}
          </Form>
        </Card>
        <Card title={t('targets.whatif.result')} style={{ flex: '2 1 560px', minWidth: 0 }}>
          <Table
            size="small"
            rowKey="key"
            pagination={false}
            dataSource={ROWS}
            data-testid="whatif-result"
            columns={[
              { title: t('targets.whatif.metric'), key: 'm', render: (_, r) => t(`targets.whatif.rows.${r.key}`) },
              { title: t('targets.whatif.baseCol'), key: 'b', align: 'right', render: (_, r) => fmt(r.get(result.base), r.kind) },
              {
                title: t('targets.whatif.scenario'),
                key: 's',
                align: 'right',
                render: (_, r) => (
                  <Typography.Text strong data-testid={`whatif-${r.key}`}>
                    {fmt(r.get(result.scenario), r.kind)}
                  </Typography.Text>
                ),
              },
              {
                title: t('targets.whatif.change'),
                key: 'c',
                align: 'right',
                render: (_, r) => {
                  const a = r.get(result.base);
                  const b = r.get(result.scenario);
                  if (a === null || b === null || a === b) return NO_VALUE;
                  const d = b - a;
                  const text =
                    r.kind === 'pct'
                      ? `${d > 0 ? '+' : ''}${formatDecimal(d * 100)}pp`
                      : a !== 0
                        ? `${d > 0 ? '+' : ''}${formatPercent(d / Math.abs(a), 1)}`
                        : NO_VALUE;
                  return <span style={{ color: signedColor(colors, d) }}>{text}</span>;
                },
              },
              {
                title: t('targets.whatif.range'),
                key: 'r',
                align: 'right',
                render: (_, r) => {
                  const lo = r.get(result.low);
                  const hi = r.get(result.high);
                  return lo === null || hi === null || lo === hi
                    ? NO_VALUE
                    : `${fmt(Math.min(lo, hi), r.kind)} ~ ${fmt(Math.max(lo, hi), r.kind)}`;
                },
              },
            ]}
          />
          <Alert
            style={{ marginTop: 12 }}
            type={fit ? 'info' : 'warning'}
            showIcon
            data-testid="whatif-elasticity"
            message={
              fit
                ? t('targets.whatif.elasticity', {
                    n: w.elasticities.days,
                    f: formatDecimal(Math.exp(fit.slope * 0.1)),
                    lo: formatDecimal(Math.exp(fit.low * 0.1)),
                    hi: formatDecimal(Math.exp(fit.high * 0.1)),
                    r2: formatDecimal(fit.r2),
                    min: formatPercent(w.elasticities.discountMin ?? 0, 1),
                    max: formatPercent(w.elasticities.discountMax ?? 0, 1),
                  })
                : t('targets.whatif.noElasticity')
            }
          />
          {adFit && w.base.adSalesFen > 0 ? (
            <Alert
              style={{ marginTop: 12 }}
              type="info"
              showIcon
              data-testid="whatif-ad-note"
              message={t('targets.whatif.adFit', {
                plans: w.elasticities.adPlans,
                n: w.elasticities.adDays,
                b: formatDecimal(adFit.slope),
                lo: formatDecimal(adFit.low),
                hi: formatDecimal(adFit.high),
                r2: formatDecimal(adFit.r2),
                up: formatPercent(Math.pow(1.1, adFit.slope) - 1, 1),
                upLo: formatPercent(Math.pow(1.1, adFit.low) - 1, 1),
                upHi: formatPercent(Math.pow(1.1, adFit.high) - 1, 1),
                roi: ad.roi === null ? NO_VALUE : formatDecimal(ad.roi),
                mroi: ad.roi === null ? NO_VALUE : formatDecimal(ad.roi * adFit.slope),
                min: formatDecimal(w.elasticities.adSpendRelMin ?? 0),
                max: formatDecimal(w.elasticities.adSpendRelMax ?? 0),
              })}
            />
          ) : (
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }} data-testid="whatif-ad-note">
              {w.base.adSalesFen > 0
                ? t('targets.whatif.adNoFit', { spend: formatMoney(w.base.adSpendFen), sales: formatMoney(w.base.adSalesFen) })
                : w.base.adSpendFen > 0
                  ? t('targets.whatif.adAssumption', { spend: formatMoney(w.base.adSpendFen) })
                  : t('targets.whatif.noAds')}
            </Typography.Paragraph>
          )}
          {adFit && w.base.adSalesFen > 0 ? (
            <div style={{ marginTop: 12 }}>
              <Typography.Text strong>{t('targets.whatif.adChart')}</Typography.Text>
              <AdResponseChart w={w} fit={adFit} />
            </div>
          ) : null}
        </Card>
      </Flex>
      <Card title={t('targets.whatif.band')} style={{ marginTop: 16 }} data-testid="whatif-band">
        <Flex gap={16} wrap style={{ marginBottom: 12 }}>
          <span>
            {t('targets.whatif.bandDays')}{' '}
            <InputNumber
              min={1}
              max={31}
              value={band.days}
              onChange={(v) => setBand({ ...band, days: Number(v ?? 1) })}
              data-testid="band-days"
            />
          </span>
          <span>
            {t('targets.whatif.bandDiscount')}{' '}
            <InputNumber min={0} max={90} value={band.discountPct} onChange={(v) => setBand({ ...band, discountPct: Number(v ?? 0) })} />
          </span>
          <span>
            {t('targets.whatif.bandTraffic')}{' '}
            <InputNumber min={-90} max={1000} value={band.trafficPct} onChange={(v) => setBand({ ...band, trafficPct: Number(v ?? 0) })} />
          </span>
          <span>
            {t('targets.whatif.bandSd')}{' '}
            <InputNumber min={0} max={200} value={band.sdPct} onChange={(v) => setBand({ ...band, sdPct: Number(v ?? 0) })} />
          </span>
        </Flex>
        {bandResult ? (
          <>
            <Table
              size="small"
              pagination={false}
              rowKey="k"
              dataSource={[
                { k: 'sales', label: t('targets.whatif.bandSales'), ...bandResult.sales, money: true },
                { k: 'units', label: t('targets.whatif.bandUnits'), ...bandResult.units, money: false },
              ]}
              columns={[
                { title: '', dataIndex: 'label', key: 'l' },
                ...(['p10', 'p50', 'p90'] as const).map((p) => ({
                  title: t(`targets.whatif.${p}`),
                  key: p,
                  align: 'right' as const,
                  render: (_: unknown, r: { k: string; money: boolean; p10: number; p50: number; p90: number }) => (
                    <span data-testid={`band-${r.k}-${p}`}>{r.money ? formatMoney(r[p]) : formatCount(r[p])}</span>
                  ),
                })),
              ]}
            />
            <Typography.Paragraph style={{ marginTop: 8 }}>
              {t('targets.whatif.stockAdvice', { n: formatCount(bandResult.units.p90) })}
            </Typography.Paragraph>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
              {t('targets.whatif.bandNote', {
                runs: bandResult.runs,
                u: formatDecimal(bandResult.uplift),
                sd: formatDecimal(bandResult.sd),
              })}
            </Typography.Paragraph>
          </>
        ) : (
          <Empty />
        )}
      </Card>
    </PageContainer>
  );
}
