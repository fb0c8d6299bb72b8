import { useMemo, type CSSProperties, type ReactNode } from 'react';
import { Space, Tooltip, Typography, type TableProps } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, QuestionCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { METRICS, type MetricKey } from '@yunying/core';
import { formatPercent, NO_VALUE } from '../../components/format';
import { CHART_BAD, CHART_GOOD, CHART_NEUTRAL } from '../../components/charts/theme';
import { change, formatMetric, higherIsBetter } from './metricFormat';

/** Figures shown in analytics tables that the core glossary does not name (texts in i18n). */
export const EXTRA_METRICS = ['cartUv', 'available', 'uvGrowth', 'onHand', 'lastSoldDay'] as const;
export type ExtraMetric = (typeof EXTRA_METRICS)[number];
export type AnyMetric = MetricKey | ExtraMetric;

function isCoreMetric(m: string): m is MetricKey {
  return Object.prototype.hasOwnProperty.call(METRICS, m);
}

/** The name and definition of a metric in the current language. */
export function useMetricText() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  return useMemo(
    () => ({
      name: (m: AnyMetric): string => (isCoreMetric(m) ? (en ? METRICS[m].en : METRICS[m].zh) : t(`analytics.extra.${m}.name`)),
      definition: (m: AnyMetric): string => (isCoreMetric(m) ? (en ? METRICS[m].defEn : METRICS[m].defZh) : t(`analytics.extra.${m}.def`)),
    }),
    [en, t],
  );
}

/** A metric's name with a (?) whose tooltip gives the glossary definition. */
export function MetricLabel({ metric, suffix, style }: { metric: AnyMetric; suffix?: ReactNode; style?: CSSProperties }) {
  const mt = useMetricText();
  return (
    <span style={{ whiteSpace: 'nowrap', ...style }} data-metric={metric}>
      {mt.name(metric)}
      {suffix}
      <Tooltip title={mt.definition(metric)}>
        <QuestionCircleOutlined
          style={{ marginInlineStart: 4, color: 'rgba(0,0,0,0.45)', cursor: 'help', fontSize: 12 }}
          data-testid={`metric-help-${metric}`}
          aria-label={mt.definition(metric)}
        />
      </Tooltip>
    </span>
  );
}

/**
 * A change against a comparison value as ↑12.34% / ↓5.00%. Colours follow the business reading
 * (see `higherIsBetter`): green is good, red is bad — so more refunds show red even though they rose.
 */
export function Delta({
  metric,
  current,
  base,
  label,
  testId,
}: {
  metric: string;
  current: number | null | undefined;
  base: number | null | undefined;
  label?: ReactNode;
  testId?: string;
}) {
  const c = change(current, base);
  const good = c.direction === 'up' ? higherIsBetter(metric) : c.direction === 'down' ? !higherIsBetter(metric) : null;
  const color = good === null ? CHART_NEUTRAL : good ? CHART_GOOD : CHART_BAD;
  return (
    <Space size={4} data-testid={testId} data-direction={c.direction}>
      {label ? <Typography.Text type="secondary">{label}</Typography.Text> : null}
      <span style={{ color, whiteSpace: 'nowrap' }}>
        {c.direction === 'up' ? <ArrowUpOutlined /> : c.direction === 'down' ? <ArrowDownOutlined /> : null}
        {c.rel === null ? NO_VALUE : formatPercent(Math.abs(c.rel))}
      </span>
    </Space>
  );
}

/** A right-aligned table column of one core metric: its label (with the definition) and its values in its format. */
export function metricValueColumn<R>(metric: MetricKey): NonNullable<TableProps<R>['columns']>[number] {
  return {
    title: <MetricLabel metric={metric} />,
    dataIndex: metric,
    align: 'right',
    render: (v: number | null) => formatMetric(metric, v),
  };
}
