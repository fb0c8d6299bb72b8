/**
 * The one way the console shows a change against a comparison value (cards, tables, charts): an
 * arrow and the relative change, coloured by direction — a rise red and a fall green, the Chinese
 * market convention (生意参谋, 千牛). A personal setting (账号设置 → 涨跌颜色, stored with the
 * account) switches to green for a rise. The colour says which way a figure moved, not whether
 * that is good: a rise in refunds is red like a rise in sales.
 */
import type { ReactNode } from 'react';
import { Space, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined } from '@ant-design/icons';
import { DEFAULT_RISE_COLOR, type RiseColor } from '@yunying/core';
import { useAuth } from './AuthContext';
import { CHART_FALL_GREEN, CHART_NEUTRAL, CHART_RISE_RED } from './charts/theme';
import { formatPercent, NO_VALUE } from './format';

export interface Change {
  /** Relative change (0.12 = +12%), or null when there is no base to compare with. */
  rel: number | null;
  direction: 'up' | 'down' | 'flat' | 'none';
}

export function change(current: number | null | undefined, base: number | null | undefined): Change {
  if (current === null || current === undefined || base === null || base === undefined) return { rel: null, direction: 'none' };
  if (base === 0) return current === 0 ? { rel: 0, direction: 'flat' } : { rel: null, direction: current > 0 ? 'up' : 'down' };
  const rel = (current - base) / Math.abs(base);
  if (Math.abs(rel) < 0.00005) return { rel: 0, direction: 'flat' };
  return { rel, direction: rel > 0 ? 'up' : 'down' };
}

export interface ChangeColors {
  up: string;
  down: string;
  flat: string;
}

export function changeColors(rise: RiseColor): ChangeColors {
  return rise === 'green'
    ? { up: CHART_FALL_GREEN, down: CHART_RISE_RED, flat: CHART_NEUTRAL }
    : { up: CHART_RISE_RED, down: CHART_FALL_GREEN, flat: CHART_NEUTRAL };
}

/** The signed-in user's colours of a rise and a fall (also for ECharts series). */
export function useChangeColors(): ChangeColors {
  return changeColors(useAuth().me.user.riseColor ?? DEFAULT_RISE_COLOR);
}

/** The colour of a signed amount (a positive effect is a rise). */
export function signedColor(colors: ChangeColors, value: number): string {
  return value > 0 ? colors.up : value < 0 ? colors.down : colors.flat;
}

/**
 * ↑12.34% / ↓5.00% of `current` against `base`; with no base, "新增" for something from nothing
 * is not a percentage, so it shows the arrow and —.
 */
export function ChangeValue({
  current,
  base,
  label,
  testId,
  size,
}: {
  current: number | null | undefined;
  base: number | null | undefined;
  label?: ReactNode;
  testId?: string;
  size?: 'small';
}) {
  const colors = useChangeColors();
  const c = change(current, base);
  const color = c.direction === 'up' ? colors.up : c.direction === 'down' ? colors.down : colors.flat;
  return (
    <Space size={4} data-testid={testId} data-direction={c.direction} data-color={color}>
      {label ? <Typography.Text type="secondary">{label}</Typography.Text> : null}
      <span style={{ color, whiteSpace: 'nowrap', fontSize: size === 'small' ? 12 : undefined }}>
        {c.direction === 'up' ? <ArrowUpOutlined /> : c.direction === 'down' ? <ArrowDownOutlined /> : null}
        {c.rel === null ? NO_VALUE : formatPercent(Math.abs(c.rel))}
      </span>
    </Space>
  );
}
