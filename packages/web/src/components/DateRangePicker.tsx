import { DatePicker, Select, Space } from 'antd';
import type { RangePickerProps } from 'antd/es/date-picker';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';

/**
 * The one date-range picker of the console: the presets 昨天 / 近7天 / 近30天 / 本周 / 本月 / 上月 /
 * 自定义, all ending yesterday (today is the dashboard's real-time cards, compared 同时段 there).
 * 本周 and 本月 run from Monday / the 1st to yesterday — on a Monday or a 1st, when no whole day of
 * the running week or month has passed yet, they are today alone. Analytics pages use
 * `DateRangePicker` (preset + range, in the URL); list filters use `FilterRangePicker` (an antd
 * range field with the same presets, plus 今天, since a list of today's orders is everyday work).
 */
export const RANGE_PRESETS = ['yesterday', 'last7', 'last30', 'thisWeek', 'thisMonth', 'lastMonth'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const DEFAULT_RANGE_PRESET: RangePreset = 'last7';
export const DAY_FORMAT = 'YYYY-MM-DD';

/** Today as YYYY-MM-DD in a time zone (the business day of the shop). */
export function todayIn(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return dayjs().format(DAY_FORMAT);
  }
}

/** The days of a preset, `today` being the shop's business day. */
export function presetRange(preset: RangePreset | 'today', today: string): { from: string; to: string } {
  const d = dayjs(today);
  const y = d.subtract(1, 'day');
  const fmt = (x: Dayjs) => x.format(DAY_FORMAT);
  const running = (start: Dayjs) => (start.isSame(d, 'day') ? { from: today, to: today } : { from: fmt(start), to: fmt(y) });
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday':
      return { from: fmt(y), to: fmt(y) };
    case 'last7':
      return { from: fmt(y.subtract(6, 'day')), to: fmt(y) };
    case 'last30':
      return { from: fmt(y.subtract(29, 'day')), to: fmt(y) };
    case 'thisWeek':
      return running(d.subtract((d.day() + 6) % 7, 'day'));
    case 'thisMonth':
      return running(d.startOf('month'));
    case 'lastMonth': {
      const m = d.subtract(1, 'month');
      return { from: fmt(m.startOf('month')), to: fmt(m.endOf('month')) };
    }
  }
}

/** The preset a range is, or 'custom'. */
export function presetOf(from: string, to: string, today: string): RangePreset | 'custom' {
  return (
    RANGE_PRESETS.find((p) => {
      const r = presetRange(p, today);
      return r.from === from && r.to === to;
    }) ?? 'custom'
  );
}

/** A preset choice and a custom range; days after today cannot be picked. */
export function DateRangePicker({
  from,
  to,
  today,
  onChange,
  testId = 'period-picker',
}: {
  from: string;
  to: string;
  today: string;
  onChange: (next: { from: string; to: string }) => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const preset = presetOf(from, to, today);
  return (
    <Space wrap data-testid={testId}>
      <Select<RangePreset | 'custom'>
        value={preset}
        style={{ width: 110 }}
        onChange={(v) => {
          if (v !== 'custom') onChange(presetRange(v, today));
        }}
        options={[
          ...RANGE_PRESETS.map((p) => ({ value: p, label: t(`common.range.${p}`) })),
          { value: 'custom' as const, label: t('common.range.custom'), disabled: true },
        ]}
        data-testid="period-preset"
      />
      <DatePicker.RangePicker
        allowClear={false}
        value={[dayjs(from), dayjs(to)]}
        disabledDate={(d: Dayjs) => d.format(DAY_FORMAT) > today}
        presets={useRangePresets(today, false)}
        onChange={(v) => {
          const [a, b] = v ?? [null, null];
          if (a && b) onChange({ from: a.format(DAY_FORMAT), to: b.format(DAY_FORMAT) });
        }}
        data-testid="period-range"
      />
    </Space>
  );
}

/** The presets as antd RangePicker presets (label + [start, end]). */
export function useRangePresets(today: string, withToday: boolean): NonNullable<RangePickerProps['presets']> {
  const { t } = useTranslation();
  const keys: (RangePreset | 'today')[] = withToday ? ['today', ...RANGE_PRESETS] : [...RANGE_PRESETS];
  return keys.map((p) => {
    const r = presetRange(p, today);
    return { label: t(`common.range.${p}`), value: [dayjs(r.from), dayjs(r.to)] as [Dayjs, Dayjs] };
  });
}

/** A list filter's date range (a Form.Item field: value / onChange as antd's RangePicker) with the shared presets. */
export function FilterRangePicker(props: Omit<RangePickerProps, 'presets'> & { today?: string }) {
  const { today = dayjs().format(DAY_FORMAT), ...rest } = props;
  const presets = useRangePresets(today, true);
  return <DatePicker.RangePicker {...rest} presets={presets} />;
}
