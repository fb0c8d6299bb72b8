import { DatePicker, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useShop } from '../../components/ShopContext';
import { useUrlState } from '../../components/useUrlState';

export const PRESETS = ['today', 'yesterday', 'last7', 'last30', 'thisMonth', 'lastMonth'] as const;
export type Preset = (typeof PRESETS)[number];
const DEFAULT_PRESET: Preset = 'last7';
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const FMT = 'YYYY-MM-DD';

/** Today as YYYY-MM-DD in a time zone (the business day of the shop). */
export function todayIn(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return dayjs().format(FMT);
  }
}

/**
 * The days of a preset. 近7天 and 近30天 end today, as the dashboard's 7-day blocks do, so "more"
 * from the dashboard shows the same figures; 本月 runs to today.
 */
export function presetRange(preset: Preset, today: string): { from: string; to: string } {
  const d = dayjs(today);
  const y = d.subtract(1, 'day');
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday':
      return { from: y.format(FMT), to: y.format(FMT) };
    case 'last7':
      return { from: d.subtract(6, 'day').format(FMT), to: today };
    case 'last30':
      return { from: d.subtract(29, 'day').format(FMT), to: today };
    case 'thisMonth':
      return { from: d.startOf('month').format(FMT), to: today };
    case 'lastMonth': {
      const m = d.subtract(1, 'month');
      return { from: m.startOf('month').format(FMT), to: m.endOf('month').format(FMT) };
    }
  }
}

/** The shop filter of the analytics API: the header's shop, or nothing for all shops. */
export function useShopQuery(): { shopId: string | undefined; timeZone: string } {
  const { shop } = useShop();
  return { shopId: shop?.id, timeZone: shop?.timezone ?? 'Asia/Shanghai' };
}

/** The period of an analytics page, kept in the URL as `from`/`to` (default 近7天). */
export function usePeriod() {
  const url = useUrlState();
  const { timeZone } = useShopQuery();
  const today = todayIn(timeZone);
  const qFrom = url.get('from');
  const qTo = url.get('to');
  const valid = !!qFrom && !!qTo && DAY.test(qFrom) && DAY.test(qTo) && qFrom <= qTo;
  const { from, to } = valid ? { from: qFrom, to: qTo } : presetRange(DEFAULT_PRESET, today);
  const preset: Preset | 'custom' =
    PRESETS.find((p) => {
      const r = presetRange(p, today);
      return r.from === from && r.to === to;
    }) ?? 'custom';
  const setPeriod = (next: { from: string; to: string }) => url.patch({ from: next.from, to: next.to });
  return { from, to, today, preset, setPeriod };
}

/** Preset choice + a custom range, both writing the URL. */
export function PeriodPicker({ period }: { period: ReturnType<typeof usePeriod> }) {
  const { t } = useTranslation();
  const { from, to, today, preset, setPeriod } = period;
  return (
    <Space wrap data-testid="period-picker">
      <Select<Preset | 'custom'>
        value={preset}
        style={{ width: 120 }}
        onChange={(v) => {
          if (v !== 'custom') setPeriod(presetRange(v, today));
        }}
        options={[
          ...PRESETS.map((p) => ({ value: p, label: t(`analytics.period.${p}`) })),
          { value: 'custom' as const, label: t('analytics.period.custom'), disabled: true },
        ]}
        data-testid="period-preset"
      />
      <DatePicker.RangePicker
        allowClear={false}
        value={[dayjs(from), dayjs(to)]}
        disabledDate={(d: Dayjs) => d.format(FMT) > today}
        onChange={(v) => {
          const [a, b] = v ?? [null, null];
          if (a && b) setPeriod({ from: a.format(FMT), to: b.format(FMT) });
        }}
        data-testid="period-range"
      />
    </Space>
  );
}
