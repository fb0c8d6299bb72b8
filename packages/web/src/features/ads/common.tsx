import { Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { formatCount, formatDecimal, formatMoney, formatPercent, NO_VALUE } from '../../components/format';
import { useShop } from '../../components/ShopContext';
import { usePeriod } from '../analytics/period';
import type { AdFigures } from './api';

export { PeriodPicker } from '../analytics/period';

export const pct = (x: number | null) => (x === null ? NO_VALUE : formatPercent(x));
export const dec = (x: number | null) => (x === null ? NO_VALUE : formatDecimal(x));
export const money = (fen: number | null) => (fen === null ? NO_VALUE : formatMoney(fen));

/** The page's shop (one shop: ad figures are per shop) and its URL period. */
export function useAdsScope() {
  const { shop } = useShop();
  const period = usePeriod();
  return { shop, period, q: shop ? { shopId: shop.id, from: period.from, to: period.to } : null };
}

export function PickShop() {
  const { t } = useTranslation();
  return (
    <Typography.Paragraph type="secondary" data-testid="ads-pick-shop">
      {t('ads.pickShop')}
    </Typography.Paragraph>
  );
}

/** ROI in red when below break-even. */
export function Roi({ f }: { f: Pick<AdFigures, 'roi' | 'belowBreakEven'> }) {
  return <Typography.Text type={f.belowBreakEven ? 'danger' : undefined}>{dec(f.roi)}</Typography.Text>;
}

/** The figure columns every ads table shows. */
export function useFigureColumns<T extends AdFigures>(opts: { breakEven?: boolean } = {}): ColumnsType<T> {
  const { t } = useTranslation();
  const num = { align: 'right' as const };
  const cols: ColumnsType<T> = [
    { title: t('ads.f.impressions'), dataIndex: 'impressions', ...num, render: (v: number) => formatCount(v) },
    { title: t('ads.f.clicks'), dataIndex: 'clicks', ...num, render: (v: number) => formatCount(v) },
    { title: t('ads.f.ctr'), dataIndex: 'ctr', ...num, render: pct },
    { title: t('ads.f.cpc'), dataIndex: 'cpcFen', ...num, render: money },
    { title: t('ads.f.spend'), dataIndex: 'spendFen', ...num, render: money },
    { title: t('ads.f.orders'), dataIndex: 'orders', ...num, render: (v: number) => formatCount(v) },
    { title: t('ads.f.sales'), dataIndex: 'salesFen', ...num, render: money },
    { title: t('ads.f.cvr'), dataIndex: 'cvr', ...num, render: pct },
    {
      title: <Tooltip title={t('ads.tips.roi')}>{t('ads.f.roi')}</Tooltip>,
      key: 'roi',
      ...num,
      render: (_: unknown, r: T) => <Roi f={r} />,
    },
  ];
  if (opts.breakEven !== false)
    cols.push(
      {
        title: <Tooltip title={t('ads.tips.breakEven')}>{t('ads.f.breakEven')}</Tooltip>,
        dataIndex: 'breakEvenRoi',
        ...num,
        render: (v: number | null) => (v === null ? <Tooltip title={t('ads.tips.noBreakEven')}>{NO_VALUE}</Tooltip> : dec(v)),
      },
      {
        title: <Tooltip title={t('ads.tips.profit')}>{t('ads.f.profit')}</Tooltip>,
        dataIndex: 'profitAfterAdsFen',
        ...num,
        render: (v: number | null) =>
          v === null ? NO_VALUE : <Typography.Text type={v < 0 ? 'danger' : undefined}>{money(v)}</Typography.Text>,
      },
    );
  return cols;
}
