import { useShop } from '../../components/ShopContext';
import { DEFAULT_RANGE_PRESET, DateRangePicker, presetOf, presetRange, todayIn } from '../../components/DateRangePicker';
import { useUrlState } from '../../components/useUrlState';

export { presetRange, todayIn } from '../../components/DateRangePicker';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The shop filter of the analytics API: the header's shop, or nothing for all shops. */
export function useShopQuery(): { shopId: string | undefined; timeZone: string } {
  const { shop } = useShop();
  return { shopId: shop?.id, timeZone: shop?.timezone ?? 'Asia/Shanghai' };
}

/** The period of an analytics page, kept in the URL as `from`/`to` (default 近7天, ending yesterday). */
export function usePeriod() {
  const url = useUrlState();
  const { timeZone } = useShopQuery();
  const today = todayIn(timeZone);
  const qFrom = url.get('from');
  const qTo = url.get('to');
  const valid = !!qFrom && !!qTo && DAY.test(qFrom) && DAY.test(qTo) && qFrom <= qTo;
  const { from, to } = valid ? { from: qFrom, to: qTo } : presetRange(DEFAULT_RANGE_PRESET, today);
  const preset = presetOf(from, to, today);
  const setPeriod = (next: { from: string; to: string }) => url.patch({ from: next.from, to: next.to });
  return { from, to, today, preset, setPeriod };
}

/** The shared date-range picker bound to the page's URL period. */
export function PeriodPicker({ period }: { period: ReturnType<typeof usePeriod> }) {
  return <DateRangePicker from={period.from} to={period.to} today={period.today} onChange={period.setPeriod} />;
}
