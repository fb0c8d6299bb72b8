/**
 * How an order was priced, as a card for the order page: each line's list price, what each
 * promotion or coupon took and what the buyer paid. Nothing when no promotion or coupon touched
 * the order, or when the user may not read marketing.
 */
import { Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../components/AuthContext';
import { useOrderPricing } from './api';
import { PricedLines } from './CartSimulatorPage';

export function OrderPricingCard({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const allowed = can('marketing.read');
  const q = useOrderPricing(allowed ? orderId : undefined);
  if (!allowed || !q.data?.pricing) return null;
  return (
    <Card title={t('marketing.orderPricingCard')} data-testid="order-pricing-card">
      <PricedLines result={q.data.pricing} testId="order-pricing-lines" />
    </Card>
  );
}
