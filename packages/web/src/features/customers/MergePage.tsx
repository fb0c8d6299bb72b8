import { App, Button, Card, Empty, Radio, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatCount, formatMoney } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { QueryState } from '../../components/QueryState';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useMergeCustomers, useMergeSuggestions, type CustomerSummary } from './api';

/** Customers sharing a phone or email across shops and channels: pick the one to keep and merge the rest into it. */
export function MergePage() {
  const { t } = useTranslation();
  const { shop } = useShop();
  const q = useMergeSuggestions(shop?.id);
  return (
    <PageContainer title={t('customers.merge.title')} bare>
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <Card>
          <Typography.Text type="secondary">{t('customers.merge.intro')}</Typography.Text>
        </Card>
        <QueryState query={q}>
          {(data) =>
            data.items.length ? (
              <>
                {data.items.map((g) => (
                  <Group key={`${g.by}:${g.customers.map((c) => c.id).join(',')}`} by={g.by} customers={g.customers} />
                ))}
              </>
            ) : (
              <Card>
                <Empty description={t('customers.merge.empty')} />
              </Card>
            )
          }
        </QueryState>
      </Space>
    </PageContainer>
  );
}

function Group({ by, customers }: { by: 'phone' | 'email'; customers: CustomerSummary[] }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { message } = App.useApp();
  const onError = useApiError();
  const merge = useMergeCustomers();
  const { shops } = useShop();
  const shopName = (id: string) => shops.find((s) => s.id === id)?.name ?? id;
  // Keep the biggest spender by default.
  const [keep, setKeep] = useState(() => [...customers].sort((a, b) => b.paidFen - a.paidFen)[0]!.id);
  const kept = customers.find((c) => c.id === keep)!;
  return (
    <Card
      size="small"
      title={
        <Space>
          <Tag color="blue">{t(`customers.merge.by.${by}`)}</Tag>
          <span>{by === 'phone' ? customers[0]!.phone : customers[0]!.email}</span>
        </Space>
      }
      extra={
        <Button
          type="primary"
          loading={merge.isPending}
          onClick={() =>
            merge.mutate(
              { targetId: keep, sourceIds: customers.filter((c) => c.id !== keep).map((c) => c.id) },
              { onSuccess: (r) => void message.success(t('customers.actions.merged', { n: r.merged })), onError: (e) => onError(e) },
            )
          }
          data-testid="merge-submit"
        >
          {t('customers.actions.mergeInto', { name: kept.nick || kept.name || kept.id })}
        </Button>
      }
    >
      <Table<CustomerSummary>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={customers}
        columns={[
          {
            title: t('customers.merge.keep'),
            key: 'keep',
            width: 70,
            render: (_, c) => <Radio checked={c.id === keep} onChange={() => setKeep(c.id)} />,
          },
          {
            title: t('customers.fields.nick'),
            dataIndex: 'nick',
            key: 'nick',
            render: (v: string, c) => <Link to={`/customers/${c.id}`}>{v || c.id}</Link>,
          },
          {
            title: t('customers.fields.shop'),
            dataIndex: 'shopId',
            key: 'shop',
            render: (id: string, c) => `${shopName(id)} · ${labels.channel(c.channel)}`,
          },
          { title: t('customers.fields.name'), dataIndex: 'name', key: 'name' },
          { title: t('customers.fields.paidOrders'), dataIndex: 'paidOrders', key: 'paidOrders', align: 'right', render: formatCount },
          { title: t('customers.fields.paid'), dataIndex: 'paidFen', key: 'paid', align: 'right', render: formatMoney },
          { title: t('customers.fields.lastPaid'), dataIndex: 'lastPaidDay', key: 'lastPaid' },
        ]}
      />
    </Card>
  );
}
