import { Tag } from 'antd';
import type { AftersaleStatus, OrderStatus } from '@yunying/core';
import { useLabels } from '../../components/labels';

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

export function OrderStatusTag({ status }: { status: string }) {
  const labels = useLabels();
  return (
    <Tag color={STATUS_COLORS[status as OrderStatus] ?? 'default'} data-testid="order-status">
      {labels.orderStatus(status)}
    </Tag>
  );
}

export function AftersaleStatusTag({ status }: { status: string }) {
  const labels = useLabels();
  return (
    <Tag color={AFTERSALE_COLORS[status as AftersaleStatus] ?? 'default'} data-testid="aftersale-status">
      {labels.aftersaleStatus(status)}
    </Tag>
  );
}
