import { useState } from 'react';
import { App, Button, Card, Descriptions, Form, Input, InputNumber, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PointsRequest } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatCount, formatDateTime, NO_VALUE } from '../../components/format';
import { SaveModal } from '../../components/SaveModal';
import { useApiError } from '../../components/useApiError';
import { useChangePoints, usePoints, type PointsResponse } from './api';

/** A customer's member level, points balance and ledger, with redeem / adjust. */
export function MemberCard({ customerId, merged }: { customerId: string; merged: boolean }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const [page, setPage] = useState({ page: 1, pageSize: 10 });
  const q = usePoints(customerId, page);
  const change = useChangePoints(customerId);
  const [kind, setKind] = useState<'redeem' | 'adjust' | null>(null);
  const [form] = Form.useForm<{ points: number; reason: string }>();
  const d = q.data;

  const submit = (v: { points: number; reason: string }) =>
    change.mutate({ kind: kind!, points: v.points, reason: v.reason } satisfies PointsRequest, {
      onSuccess: (r) => {
        void message.success(t('customers.membership.changed', { balance: formatCount(r.balance) }));
        setKind(null);
      },
      onError: (e) => onError(e, form),
    });

  return (
    <Card
      title={t('customers.membership.card')}
      extra={
        can('customers.write') && !merged ? (
          <Space>
            <Button size="small" onClick={() => setKind('redeem')} data-testid="points-redeem">
              {t('customers.membership.redeem')}
            </Button>
            <Button size="small" onClick={() => setKind('adjust')}>
              {t('customers.membership.adjust')}
            </Button>
          </Space>
        ) : null
      }
    >
      <Descriptions size="small" column={3}>
        <Descriptions.Item label={t('customers.membership.level')}>
          {d?.level ? <Tag color="gold">{d.level.name}</Tag> : t('customers.membership.noLevel')}
        </Descriptions.Item>
        <Descriptions.Item label={t('customers.membership.balance')}>
          <span data-testid="points-balance">{d ? formatCount(d.balance) : NO_VALUE}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('customers.membership.discount')}>
          {d?.level && d.level.discountPct < 100 ? t('customers.membership.discountText', { n: d.level.discountPct / 10 }) : NO_VALUE}
        </Descriptions.Item>
        <Descriptions.Item label={t('customers.membership.expiryRule')}>
          <span data-testid="points-expiry-rule">
            {d
              ? t(`customers.membership.ruleText.${d.expiry.mode === 'years' && d.expiry.n === 1 ? 'years1' : d.expiry.mode}`, {
                  n: d.expiry.n,
                })
              : NO_VALUE}
          </span>
        </Descriptions.Item>
        <Descriptions.Item
          label={d?.expiry.nextDay ? t('customers.membership.expiring', { day: d.expiry.nextDay }) : t('customers.membership.expiry')}
        >
          <span data-testid="points-expiring">
            {d && d.expiry.nextDay && d.expiry.expiringPoints > 0
              ? formatCount(d.expiry.expiringPoints)
              : t('customers.membership.expiringNone')}
          </span>
        </Descriptions.Item>
      </Descriptions>
      <Table<PointsResponse['ledger']['items'][number]>
        data-testid="points-ledger"
        rowKey="id"
        size="small"
        dataSource={d?.ledger.items ?? []}
        loading={q.isLoading}
        locale={{ emptyText: NO_VALUE }}
        pagination={{
          current: page.page,
          pageSize: page.pageSize,
          total: d?.ledger.total ?? 0,
          onChange: (p, s) => setPage({ page: p, pageSize: s }),
        }}
        columns={[
          {
            title: t('customers.membership.ledger'),
            dataIndex: 'kind',
            key: 'kind',
            width: 100,
            render: (v: string) => t(`customers.membership.kinds.${v}`),
          },
          {
            title: t('customers.membership.amount'),
            dataIndex: 'points',
            key: 'points',
            width: 90,
            align: 'right',
            render: (v: number) => (v > 0 ? `+${formatCount(v)}` : formatCount(v)),
          },
          {
            title: t('customers.membership.balance'),
            dataIndex: 'balanceAfter',
            key: 'after',
            width: 90,
            align: 'right',
            render: formatCount,
          },
          { title: t('customers.membership.reason'), dataIndex: 'reason', key: 'reason' },
          { title: t('customers.membership.at'), dataIndex: 'createdAt', key: 'at', width: 170, render: (v: number) => formatDateTime(v) },
        ]}
      />
      {d?.levelChanges.length ? (
        <>
          <Typography.Title level={5}>{t('customers.membership.levelChanges')}</Typography.Title>
          <Timeline
            items={d.levelChanges.slice(0, 10).map((c) => ({
              children: (
                <Space direction="vertical" size={0}>
                  <span>
                    {c.from ?? t('customers.membership.noLevel')} → {c.to ?? t('customers.membership.noLevel')}
                  </span>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatDateTime(c.at)} · {c.reason}
                  </Typography.Text>
                </Space>
              ),
            }))}
          />
        </>
      ) : null}
      <SaveModal
        open={kind !== null}
        title={kind === 'redeem' ? t('customers.membership.redeem') : t('customers.membership.adjust')}
        form={form}
        saving={change.isPending}
        onClose={() => setKind(null)}
        submitTestId="points-save"
      >
        <Form form={form} layout="vertical" onFinish={submit} preserve={false}>
          <Form.Item
            name="points"
            label={t('customers.membership.amount')}
            extra={kind === 'adjust' ? t('customers.membership.adjustHint') : undefined}
            rules={[{ required: true }]}
          >
            <InputNumber
              precision={0}
              min={kind === 'redeem' ? 1 : -1_000_000}
              max={1_000_000}
              style={{ width: 200 }}
              data-testid="points-amount"
            />
          </Form.Item>
          <Form.Item name="reason" label={t('customers.membership.reason')} rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={200} data-testid="points-reason" />
          </Form.Item>
        </Form>
      </SaveModal>
    </Card>
  );
}
