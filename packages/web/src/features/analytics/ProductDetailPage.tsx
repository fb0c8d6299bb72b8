import { useMemo } from 'react';
import { Button, Card, Col, Row, Space, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { MetricKey, ProductDetailResponse } from '@yunying/core';
import { fenToYuan, formatCount, formatPercent, formatYuanShort } from '../../components/format';
import { EChart } from '../../components/charts/EChart';
import { CHART_PALETTE } from '../../components/charts/theme';
import type { EChartsCoreOption } from '../../components/charts/echarts';
import { PageContainer } from '../../components/PageContainer';
import { QueryPage } from '../../components/QueryState';
import { useProductAnalytics } from './api';
import { MetricLabel, useMetricText } from './MetricLabel';
import { formatMetric } from './metricFormat';
import { PeriodPicker, usePeriod, useShopQuery } from './period';
import { Figure, shortDay, TrendAndFunnel } from './shared';

const SUMMARY: MetricKey[] = ['uv', 'pv', 'payingBuyers', 'units', 'paidFen', 'payConversion', 'refundFen', 'grossProfitFen'];

function summaryValue(row: ProductDetailResponse['totals'], m: MetricKey): number | null {
  const v = (row as unknown as Record<string, unknown>)[m];
  return typeof v === 'number' ? v : null;
}

/** One product over a period: its figures, its daily trend (UV, conversion, paid amount) and funnel. */
export function ProductDetailPage() {
  const { t } = useTranslation();
  const { productId = '' } = useParams();
  const { shopId } = useShopQuery();
  const period = usePeriod();
  const q = useProductAnalytics(productId, { shopId, from: period.from, to: period.to });
  const back = `/analytics/products?${new URLSearchParams({ from: period.from, to: period.to }).toString()}`;
  const extra = (
    <>
      <PeriodPicker period={period} />
      <Link to={back}>
        <Button icon={<ArrowLeftOutlined />}>{t('analytics.products.back')}</Button>
      </Link>
    </>
  );

  return (
    <QueryPage query={q} title={t('analytics.products.detailTitle')} extra={extra}>
      {(d) => (
        <PageContainer title={d.title || t('analytics.products.detailTitle')} extra={extra} bare>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card data-testid="product-summary">
              <Row gutter={[16, 16]}>
                {SUMMARY.map((m) => (
                  <Col key={m} xs={12} md={6} xl={3}>
                    <Figure label={<MetricLabel metric={m} />} value={formatMetric(m, summaryValue(d.totals, m))} />
                  </Col>
                ))}
              </Row>
              <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
                {t('analytics.products.productId', { id: d.productId })}
              </Typography.Text>
            </Card>
            <TrendAndFunnel
              trend={<ProductTrend trend={d.trend} />}
              funnelTitle={t('analytics.products.funnel')}
              steps={d.funnel}
              testId="product-funnel"
              height={340}
            />
          </Space>
        </PageContainer>
      )}
    </QueryPage>
  );
}

function ProductTrend({ trend }: { trend: ProductDetailResponse['trend'] }) {
  const { t } = useTranslation();
  const mt = useMetricText();
  const empty = trend.length === 0 || trend.every((p) => p.uv === 0 && p.paidFen === 0);
  const option = useMemo<EChartsCoreOption>(
    () => ({
      grid: { left: 56, right: 120, top: 40, bottom: 28 },
      legend: { top: 0 },
      tooltip: {
        trigger: 'axis',
        formatter: (ps: { dataIndex: number }[]) => {
          const p = trend[ps[0]?.dataIndex ?? 0];
          if (!p) return '';
          return [
            p.day,
            `${mt.name('uv')}: ${formatMetric('uv', p.uv)}`,
            `${mt.name('payConversion')}: ${formatMetric('payConversion', p.payConversion)}`,
            `${mt.name('paidFen')}: ${formatMetric('paidFen', p.paidFen)}`,
          ].join('<br/>');
        },
      },
      xAxis: { type: 'category', data: trend.map((p) => shortDay(p.day)) },
      yAxis: [
        { type: 'value', name: mt.name('uv'), minInterval: 1, axisLabel: { formatter: (v: number) => formatCount(v) } },
        // The right-hand axes carry no name (the legend names the series); their labels take the series colour.
        {
          type: 'value',
          position: 'right',
          splitLine: { show: false },
          axisLabel: { color: CHART_PALETTE[1], formatter: (v: number) => formatYuanShort(v) },
        },
        {
          type: 'value',
          position: 'right',
          offset: 60,
          splitLine: { show: false },
          axisLabel: { color: CHART_PALETTE[2], formatter: (v: number) => formatPercent(v, 0) },
        },
      ],
      series: [
        { name: mt.name('uv'), type: 'bar', barMaxWidth: 14, data: trend.map((p) => p.uv) },
        { name: mt.name('paidFen'), type: 'line', yAxisIndex: 1, data: trend.map((p) => fenToYuan(p.paidFen)) },
        {
          name: mt.name('payConversion'),
          type: 'line',
          yAxisIndex: 2,
          lineStyle: { type: 'dashed' },
          data: trend.map((p) => p.payConversion),
        },
      ],
    }),
    [trend, mt],
  );
  return (
    <Card title={t('analytics.products.trend')} style={{ height: '100%' }}>
      <EChart option={option} height={340} empty={empty} emptyText={t('analytics.empty.trend')} data-testid="product-trend" />
    </Card>
  );
}
