import { useMemo, type CSSProperties, type ReactNode } from 'react';
import { Tooltip, type TableProps } from 'antd';
import { QuestionCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { METRICS, type MetricKey } from '@yunying/core';
import { ChangeValue } from '../../components/Change';
import { formatMetric } from './metricFormat';

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
 * A change against a comparison value as ↑12.34% / ↓5.00%: the console's one change display
 * (components/Change.tsx) — a rise red, a fall green (or the user's own setting), whatever the metric.
 */
export function Delta({
  current,
  base,
  label,
  testId,
}: {
  metric?: string;
  current: number | null | undefined;
  base: number | null | undefined;
  label?: ReactNode;
  testId?: string;
}) {
  return <ChangeValue current={current} base={base} label={label} testId={testId} />;
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
