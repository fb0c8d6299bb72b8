import { useMemo, type ReactNode } from 'react';
import { Card, Col, Row, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FunnelStep } from '@yunying/core';
import { formatCount, formatPercent, NO_VALUE } from '../../components/format';
import { EChart } from '../../components/charts/EChart';
import type { EChartsCoreOption } from '../../components/charts/echarts';

/** 2026-11-22 → 11-22 for chart axes. */
export function shortDay(day: string): string {
  return day.length === 10 ? day.slice(5) : day;
}

/** The visitor funnel: visit → detail → cart → order → pay, each with its rate of the previous step. */
export function FunnelView({ steps, testId, height = 300 }: { steps: FunnelStep[]; testId: string; height?: number }) {
  const { t } = useTranslation();
  const empty = steps.length === 0 || (steps[0]?.visitors ?? 0) === 0;
  const first = steps[0]?.visitors ?? 0;
  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: {
        trigger: 'item',
        formatter: (p: { dataIndex: number }) => {
          const s = steps[p.dataIndex];
          if (!s) return '';
          const rate = s.rate === null ? '' : `<br/>${t('analytics.funnel.stepRate')}: ${formatPercent(s.rate)}`;
          const overall = first > 0 ? `<br/>${t('analytics.funnel.overallRate')}: ${formatPercent(s.visitors / first)}` : '';
          return `${t(`analytics.funnel.${s.step}`)}: ${formatCount(s.visitors)}${rate}${overall}`;
        },
      },
      series: [
        {
          type: 'funnel',
          sort: 'none',
          left: '2%',
          width: '50%',
          top: 8,
          bottom: 8,
          min: 0,
          max: Math.max(first, 1),
          minSize: '18%',
          gap: 2,
          label: {
            position: 'right',
            formatter: (p: { dataIndex: number }) => {
              const s = steps[p.dataIndex];
              if (!s) return '';
              const rate = s.rate === null ? '' : `  {rate|${t('analytics.funnel.stepRateShort')} ${formatPercent(s.rate)}}`;
              return `{name|${t(`analytics.funnel.${s.step}`)}}  {value|${formatCount(s.visitors)}}${rate}`;
            },
            rich: {
              name: { color: 'rgba(0,0,0,0.65)' },
              value: { fontWeight: 600, color: 'rgba(0,0,0,0.88)' },
              rate: { color: '#1677ff' },
            },
          },
          labelLine: { length: 16, lineStyle: { color: '#d9d9d9' } },
          data: steps.map((s) => ({ name: t(`analytics.funnel.${s.step}`), value: s.visitors })),
        },
      ],
    }),
    [steps, first, t],
  );
  return <EChart option={option} height={height} empty={empty} emptyText={t('analytics.empty.funnel')} data-testid={testId} />;
}

/** A small figure block used in summary rows: label above, value below. */
export function Figure({ label, value, extra }: { label: ReactNode; value: ReactNode; extra?: ReactNode }) {
  return (
    <Space orientation="vertical" size={2}>
      <Typography.Text type="secondary">{label}</Typography.Text>
      <Typography.Text style={{ fontSize: 20, fontWeight: 600 }}>{value || NO_VALUE}</Typography.Text>
      {extra}
    </Space>
  );
}

/** The trend chart (wide) beside the visitor funnel card (narrow) of an analytics page. */
export function TrendAndFunnel({
  trend,
  funnelTitle,
  steps,
  testId,
  height,
}: {
  trend: ReactNode;
  funnelTitle: string;
  steps: FunnelStep[];
  /** The funnel's test id. */
  testId: string;
  height: number;
}) {
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={15}>
        {trend}
      </Col>
      <Col xs={24} xl={9}>
        <Card title={funnelTitle} style={{ height: '100%' }}>
          <FunnelView steps={steps} testId={testId} height={height} />
        </Card>
      </Col>
    </Row>
  );
}
