import { useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Flex, Input, InputNumber, Space, Table, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { addDays } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { DateRangePicker, todayIn } from '../../components/DateRangePicker';
import { formatDateTime, NO_VALUE } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useQa, useSampleQa, useScoreQa, type QaItem } from './api';

function ScoreCell({ item }: { item: QaItem }) {
  const { t } = useTranslation();
  const [score, setScore] = useState<number | null>(item.score);
  const [note, setNote] = useState(item.note);
  const save = useScoreQa();
  const apiError = useApiError();
  const { can } = useAuth();
  if (!can('service.write')) return <span>{item.score ?? NO_VALUE}</span>;
  return (
    <Space>
      <InputNumber min={0} max={100} value={score} onChange={setScore} style={{ width: 72 }} aria-label={t('service.qa.score')} />
      <Input
        value={note}
        onChange={(e) => setNote(e.target.value)}
        maxLength={1000}
        placeholder={t('service.qa.note')}
        style={{ width: 200 }}
      />
      <Button
        size="small"
        disabled={score === null}
        loading={save.isPending}
        onClick={() => save.mutate({ id: item.id, score: score!, note }, { onError: (e) => apiError(e) })}
      >
        {t('service.qa.save')}
      </Button>
    </Space>
  );
}

/** 客服质检: sample conversations per agent over a period and score them. */
export function QaPage() {
  const { t } = useTranslation();
  const { shop } = useShop();
  const { can } = useAuth();
  const today = todayIn(shop?.timezone ?? 'Asia/Shanghai');
  const [range, setRange] = useState({ from: addDays(today, -7), to: addDays(today, -1) });
  const [perAgent, setPerAgent] = useState(5);
  const [pending, setPending] = useState(true);
  const qa = useQa(shop?.id ?? null, pending);
  const sample = useSampleQa();
  const apiError = useApiError();
  const { message } = App.useApp();
  const columns: TableProps<QaItem>['columns'] = [
    { title: t('service.qa.agent'), key: 'agent', width: 110, render: (_, r) => r.chat.agent },
    { title: t('service.qa.customer'), key: 'customer', width: 110, render: (_, r) => r.chat.customer },
    { title: t('service.qa.start'), key: 'start', width: 150, render: (_, r) => formatDateTime(r.chat.startedAt) },
    {
      title: t('service.qa.firstResponse'),
      key: 'fr',
      width: 80,
      align: 'right',
      render: (_, r) => (r.chat.firstResponseS === null ? NO_VALUE : `${r.chat.firstResponseS}s`),
    },
    { title: t('service.qa.messages'), key: 'm', width: 80, align: 'right', render: (_, r) => r.chat.messages },
    { title: t('service.qa.order'), key: 'o', width: 130, render: (_, r) => r.chat.orderNo || NO_VALUE },
    { title: t('service.qa.score'), key: 'score', render: (_, r) => <ScoreCell key={`${r.id}-${r.scoredAt ?? 0}`} item={r} /> },
    { title: t('service.qa.reviewer'), dataIndex: 'reviewer', width: 100 },
  ];
  return (
    <PageContainer title={t('service.qa.title')}>
      {!shop ? (
        <Alert type="info" showIcon message={t('service.pickShop')} />
      ) : (
        <>
          <Flex gap={12} wrap align="center" style={{ marginBottom: 12 }}>
            <DateRangePicker from={range.from} to={range.to} today={today} onChange={setRange} />
            {can('service.write') ? (
              <>
                <Typography.Text>{t('service.qa.perAgent')}</Typography.Text>
                <InputNumber min={1} max={50} value={perAgent} onChange={(v) => setPerAgent(v ?? 5)} style={{ width: 70 }} />
                <Button
                  type="primary"
                  loading={sample.isPending}
                  onClick={() =>
                    sample.mutate(
                      { shopId: shop.id, ...range, perAgent },
                      { onSuccess: (r) => message.success(t('service.qa.sampled', { n: r.sampled })), onError: (e) => apiError(e) },
                    )
                  }
                  data-testid="qa-sample"
                >
                  {t('service.qa.sample')}
                </Button>
              </>
            ) : null}
            <Checkbox checked={pending} onChange={(e) => setPending(e.target.checked)}>
              {t('service.qa.pending')}
            </Checkbox>
          </Flex>
          <Card size="small">
            <Table<QaItem>
              size="middle"
              rowKey="id"
              loading={qa.isFetching}
              columns={columns}
              dataSource={qa.data?.items ?? []}
              locale={{ emptyText: t('service.qa.empty') }}
              scroll={{ x: 1100 }}
              data-testid="qa-table"
            />
          </Card>
        </>
      )}
    </PageContainer>
  );
}
