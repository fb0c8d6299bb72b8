import { useMemo, type ReactNode } from 'react';
import { Alert, Card, Col, Row, Segmented, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { COMPARE_MODES, type CompareMode, type TradeResponse, type Totals } from '@yunying/core';
import { fenToYuan, formatMoney, formatYuanShort } from '../../components/format';
import { EChart } from '../../components/charts/EChart';
import type { EChartsCoreOption } from '../../components/charts/echarts';
import { CHART_PALETTE } from '../../components/charts/theme';
import { signedColor, useChangeColors } from '../../components/Change';
import { PageContainer } from '../../components/PageContainer';
import { QueryPage } from '../../components/QueryState';
import { useUrlState } from '../../components/useUrlState';
import { AdLinesCard } from './AdLines';
import { useTrade } from './api';
import { Delta, MetricLabel, useMetricText } from './MetricLabel';
import { formatMetric, ratio } from './metricFormat';
import { PeriodPicker, usePeriod, useShopQuery } from './period';
import { shortDay } from './shared';

interface Factors {
  sales: number;
  uv: number;
  conversion: number | null;
  aov: number | null;
}

function factors(t: Totals): Factors {
  return { sales: t.paidFen, uv: t.uv, conversion: ratio(t.payingBuyers, t.uv), aov: ratio(t.paidFen, t.payingBuyers) };
}

function signedMoney(fen: number): string {
  const r = Math.round(fen);
  return r > 0 ? `+${formatMoney(r)}` : formatMoney(r);
}

/** 交易分析: sales = UV × conversion × AOV for two periods, and which factor moved (LMDI). */
export function TradePage() {
  const { t } = useTranslation();
  const { shopId } = useShopQuery();
  const period = usePeriod();
  const url = useUrlState();
  const raw = url.get('compare');
  // A running week / month (本周 / 本月) compares by default with the same elapsed span of the
  // previous week / month; any other range with the period just before.
  const fallback: CompareMode = period.preset === 'thisWeek' ? 'wow' : period.preset === 'thisMonth' ? 'mom' : 'previous';
  const compare: CompareMode = (COMPARE_MODES as readonly string[]).includes(raw ?? '') ? (raw as CompareMode) : fallback;
  const setCompare = (m: CompareMode) => url.patch({ compare: m === fallback ? undefined : m });
  const q = useTrade({ shopId, from: period.from, to: period.to, compare });
  const title = t('analytics.trade.title');
  const extra = (
    <>
      <Segmented<CompareMode>
        value={compare}
        onChange={setCompare}
        options={COMPARE_MODES.map((m) => ({ value: m, label: t(`analytics.trade.compare.${m}`) }))}
        data-testid="compare-mode"
      />
      <PeriodPicker period={period} />
    </>
  );

  return (
    <QueryPage query={q} title={title} extra={extra}>
      {(d) => (
        <PageContainer title={title} extra={extra} bare>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            {d.base.uv === 0 && d.base.paidFen === 0 ? (
              <Alert
                type="info"
                showIcon
                title={t('analytics.trade.noBase', { from: d.baseFrom, to: d.baseTo })}
                data-testid="trade-no-base"
              />
            ) : null}
            <FactorsCard d={d} />
            <AdLinesCard
              testId="trade-ads"
              periods={[
                { key: 'current', label: `${t('analytics.trade.current')} ${d.from} ~ ${d.to}`, lines: d.ads.current },
                { key: 'base', label: `${t('analytics.trade.base')} ${d.baseFrom} ~ ${d.baseTo}`, lines: d.ads.base },
              ]}
            />
            <Row gutter={[16, 16]}>
              <Col xs={24} xl={12}>
                <Waterfall d={d} />
              </Col>
              <Col xs={24} xl={12}>
                <TradeTrend d={d} />
              </Col>
            </Row>
          </Space>
        </PageContainer>
      )}
    </QueryPage>
  );
}

function Op({ children }: { children: ReactNode }) {
  return (
    <Col flex="none" style={{ alignSelf: 'center', fontSize: 20, color: 'rgba(0,0,0,0.45)', padding: '0 4px' }}>
      {children}
    </Col>
  );
}

function FactorsCard({ d }: { d: TradeResponse }) {
  const { t } = useTranslation();
  const cur = factors(d.current);
  const base = factors(d.base);
  const cell = (metric: 'paidFen' | 'uv' | 'payConversion' | 'aov', key: keyof Factors) => (
    <Col flex="1 1 0" style={{ minWidth: 140 }} data-testid={`factor-${key}`}>
      <div style={{ marginBottom: 6 }}>
        <MetricLabel metric={metric} style={{ fontWeight: 500 }} />
      </div>
      <div style={{ fontSize: 20, fontWeight: 600 }} data-testid={`factor-${key}-current`}>
        {formatMetric(metric, cur[key])}
      </div>
      <Typography.Text type="secondary" data-testid={`factor-${key}-base`}>
        {t('analytics.trade.baseShort')} {formatMetric(metric, base[key])}
      </Typography.Text>
      <div>
        <Delta metric={metric} current={cur[key]} base={base[key]} />
      </div>
    </Col>
  );
  return (
    <Card
      title={t('analytics.trade.formula')}
      data-testid="trade-factors"
      extra={
        <Typography.Text type="secondary">
          {t('analytics.trade.periods', { from: d.from, to: d.to, baseFrom: d.baseFrom, baseTo: d.baseTo })}
        </Typography.Text>
      }
    >
      <Row wrap gutter={[8, 16]}>
        {cell('paidFen', 'sales')}
        <Op>=</Op>
        {cell('uv', 'uv')}
        <Op>×</Op>
        {cell('payConversion', 'conversion')}
        <Op>×</Op>
        {cell('aov', 'aov')}
      </Row>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }} data-testid="trade-decomposition">
        {t('analytics.trade.decomposition', {
          delta: signedMoney(d.decomposition.deltaFen),
          uv: signedMoney(d.decomposition.uvEffect),
          conversion: signedMoney(d.decomposition.conversionEffect),
          aov: signedMoney(d.decomposition.aovEffect),
        })}
      </Typography.Paragraph>
    </Card>
  );
}

function Waterfall({ d }: { d: TradeResponse }) {
  const { t } = useTranslation();
  const { uvEffect, conversionEffect, aovEffect } = d.decomposition;
  const empty = d.base.paidFen === 0 && d.current.paidFen === 0;
  const colors = useChangeColors();
  const option = useMemo<EChartsCoreOption>(() => {
    const start = d.base.paidFen;
    const steps = [uvEffect, conversionEffect, aovEffect];
    const names = [
      t('analytics.trade.wf.base'),
      t('analytics.trade.wf.uv'),
      t('analytics.trade.wf.conversion'),
      t('analytics.trade.wf.aov'),
      t('analytics.trade.wf.current'),
    ];
    const helper: number[] = [0];
    const bars: { value: number; itemStyle: { color: string }; signed: number }[] = [
      { value: fenToYuan(start), itemStyle: { color: CHART_PALETTE[0]! }, signed: start },
    ];
    let level = start;
    for (const s of steps) {
      const next = level + s;
      helper.push(fenToYuan(Math.min(level, next)));
      bars.push({ value: fenToYuan(Math.abs(s)), itemStyle: { color: signedColor(colors, s) }, signed: s });
      level = next;
    }
    helper.push(0);
    bars.push({ value: fenToYuan(d.current.paidFen), itemStyle: { color: CHART_PALETTE[0]! }, signed: d.current.paidFen });
    const label = (i: number) => {
      const b = bars[i];
      if (!b) return '';
      return i === 0 || i === bars.length - 1 ? formatMoney(b.signed) : signedMoney(b.signed);
    };
    return {
      grid: { left: 64, right: 16, top: 32, bottom: 28 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (ps: { dataIndex: number }[]) => {
          const i = ps[0]?.dataIndex ?? 0;
          return `${names[i] ?? ''}: ${label(i)}`;
        },
      },
      xAxis: { type: 'category', data: names, axisLabel: { interval: 0 } },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatYuanShort(v) } },
      series: [
        {
          type: 'bar',
          stack: 'wf',
          silent: true,
          itemStyle: { color: 'transparent', borderColor: 'transparent' },
          emphasis: { disabled: true },
          data: helper,
        },
        {
          type: 'bar',
          stack: 'wf',
          barMaxWidth: 48,
          label: { show: true, position: 'top', formatter: (p: { dataIndex: number }) => label(p.dataIndex) },
          data: bars.map(({ value, itemStyle }) => ({ value, itemStyle })),
        },
      ],
    };
  }, [d, uvEffect, conversionEffect, aovEffect, t, colors]);
  return (
    <Card title={t('analytics.trade.waterfall')} style={{ height: '100%' }}>
      <EChart option={option} height={340} empty={empty} emptyText={t('analytics.empty.trade')} data-testid="trade-waterfall" />
    </Card>
  );
}

function TradeTrend({ d }: { d: TradeResponse }) {
  const { t } = useTranslation();
  const mt = useMetricText();
  const empty = d.trend.length === 0 || d.trend.every((p) => p.paidFen === 0 && p.basePaidFen === 0);
  const option = useMemo<EChartsCoreOption>(
    () => ({
      grid: { left: 64, right: 16, top: 40, bottom: 28 },
      legend: { top: 0 },
      tooltip: {
        trigger: 'axis',
        formatter: (ps: { dataIndex: number }[]) => {
          const p = d.trend[ps[0]?.dataIndex ?? 0];
          if (!p) return '';
          return `${t('analytics.trade.current')} ${p.day}: ${formatMoney(p.paidFen)}<br/>${t('analytics.trade.base')} ${p.baseDay}: ${formatMoney(p.basePaidFen)}`;
        },
      },
      xAxis: { type: 'category', data: d.trend.map((p) => shortDay(p.day)) },
      yAxis: { type: 'value', name: mt.name('paidFen'), axisLabel: { formatter: (v: number) => formatYuanShort(v) } },
      series: [
        { name: t('analytics.trade.current'), type: 'line', data: d.trend.map((p) => fenToYuan(p.paidFen)), areaStyle: { opacity: 0.1 } },
        {
          name: t('analytics.trade.base'),
          type: 'line',
          lineStyle: { type: 'dashed' },
          itemStyle: { color: '#8c8c8c' },
          data: d.trend.map((p) => fenToYuan(p.basePaidFen)),
        },
      ],
    }),
    [d.trend, t, mt],
  );
  return (
    <Card title={t('analytics.trade.trend')} style={{ height: '100%' }}>
      <EChart option={option} height={340} empty={empty} emptyText={t('analytics.empty.trend')} data-testid="trade-trend" />
    </Card>
  );
}
