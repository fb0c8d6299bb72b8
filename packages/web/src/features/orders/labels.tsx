import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  AFTERSALE_STATUS_LABELS,
  AFTERSALE_TYPE_LABELS,
  ORDER_STATUS_LABELS,
  RESPONSIBILITY_LABELS,
  type AftersaleStatus,
  type AftersaleType,
  type OrderStatus,
  type Responsibility,
} from '@yunying/core';

const STATUS_COLORS: Record<OrderStatus, string> = {
  pending_payment: 'gold',
  paid: 'blue',
  shipped: 'cyan',
  delivered: 'geekblue',
  completed: 'green',
  cancelled: 'default',
  refunding: 'orange',
  refunded: 'red',
};

const AFTERSALE_COLORS: Record<AftersaleStatus, string> = {
  pending: 'gold',
  processing: 'blue',
  awaiting_return: 'cyan',
  received: 'geekblue',
  completed: 'green',
  rejected: 'red',
  closed: 'default',
};

/** Labels of order and after-sales data from `@yunying/core`, in the current language. */
export function useOrderLabels() {
  const { i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  const pick = (l: { zh: string; en: string } | undefined, fallback: string) => (l ? (zh ? l.zh : l.en) : fallback);
  return {
    status: (s: string) => pick(ORDER_STATUS_LABELS[s as OrderStatus], s),
    aftersaleType: (s: string) => pick(AFTERSALE_TYPE_LABELS[s as AftersaleType], s),
    aftersaleStatus: (s: string) => pick(AFTERSALE_STATUS_LABELS[s as AftersaleStatus], s),
    responsibility: (s: string) => pick(RESPONSIBILITY_LABELS[s as Responsibility], s),
  };
}

export function OrderStatusTag({ status }: { status: string }) {
  const l = useOrderLabels();
  return (
    <Tag color={STATUS_COLORS[status as OrderStatus] ?? 'default'} data-testid="order-status">
      {l.status(status)}
    </Tag>
  );
}

export function AftersaleStatusTag({ status }: { status: string }) {
  const l = useOrderLabels();
  return (
    <Tag color={AFTERSALE_COLORS[status as AftersaleStatus] ?? 'default'} data-testid="aftersale-status">
      {l.aftersaleStatus(status)}
    </Tag>
  );
}
