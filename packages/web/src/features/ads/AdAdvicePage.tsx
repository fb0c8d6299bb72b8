import { App, Button, DatePicker, Descriptions, Empty, Popconfirm, Segmented, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDateTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { useAdAdvice, useDecideAdvice, type AdAdviceItem } from './api';
import { PickShop } from './common';
import { PacingCard } from './Pacing';

const STATUS_COLOR = { open: 'orange', accepted: 'green', dismissed: 'default' } as const;

/** The evidence as a small table of its numbers (money in fen shown as ¥, rates as %). */
function Evidence({ e }: { e: Record<string, unknown> }) {
  const { t } = useTranslation();
  const show = (k: string, v: unknown): string => {
    if (typeof v === 'number') {
      if (/Fen$/.test(k)) return `¥${(v / 100).toFixed(2)}`;
      if (/^(ctr|cvr|planCtr|planCvr)$/.test(k)) return `${(v * 100).toFixed(2)}%`;
      return String(v);
    }
    if (Array.isArray(v))
      return v
        .map((x) =>
          typeof x === 'object' && x
            ? Object.entries(x)
                .map(([a, b]) => show(a, b))
                .join(' ')
            : String(x),
        )
        .join('；');
    return String(v ?? '');
  };
  return (
    <Descriptions size="small" column={2} title={t('ads.advice.evidence')} bordered>
      {Object.entries(e).map(([k, v]) => (
        <Descriptions.Item key={k} label={k} span={Array.isArray(v) ? 2 : 1}>
          {show(k, v)}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

export function AdAdvicePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const url = useUrlState();
  const { shop } = useShop();
  const day = url.get('day');
  const status = url.get('status') as 'open' | 'accepted' | 'dismissed' | undefined;
  const list = useAdAdvice(
    shop ? { shopId: shop.id, page: url.page, pageSize: url.pageSize, ...(day ? { day } : {}), ...(status ? { status } : {}) } : null,
  );
  const decide = useDecideAdvice();
  const act = (r: AdAdviceItem, decision: 'accepted' | 'dismissed') =>
    decide.mutate(
      { id: r.id, decision },
      {
        onSuccess: (res) => void message.success(res.applied ? t('ads.advice.applied', { what: res.applied }) : t('ads.advice.done')),
        onError: (e) => onError(e),
      },
    );
  const d = list.data;
  return (
    <PageContainer
      title={t('ads.advice.title')}
      extra={
        shop && d?.day ? (
          <Space>
            <span>{t('ads.advice.day')}</span>
            <DatePicker
              allowClear={false}
              value={dayjs(d.day)}
              disabledDate={(x) => x.isAfter(dayjs(), 'day')}
              onChange={(v) => url.patch({ day: v ? v.format('YYYY-MM-DD') : undefined })}
              data-testid="ads-advice-day"
            />
          </Space>
        ) : null
      }
    >
      {!shop ? (
        <PickShop />
      ) : list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : d && !d.day ? (
        <Empty description={t('ads.advice.none')} />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Paragraph type="secondary">{t('ads.advice.rules')}</Typography.Paragraph>
          <PacingCard shopId={shop.id} />
          <Space wrap>
            <Segmented
              value={status ?? 'all'}
              onChange={(v) => url.patch({ status: v === 'all' ? undefined : (v as string) })}
              options={[
                { value: 'all', label: t('ads.advice.all') },
                { value: 'open', label: t('ads.advice.open') },
                { value: 'accepted', label: t('ads.advice.accepted') },
                { value: 'dismissed', label: t('ads.advice.dismissed') },
              ]}
            />
            {d ? <Typography.Text type="secondary">{t('ads.advice.counts', d.counts)}</Typography.Text> : null}
          </Space>
          <Table<AdAdviceItem>
            rowKey="id"
            loading={list.isFetching}
            dataSource={d?.items ?? []}
            locale={{ emptyText: t('ads.advice.empty') }}
            expandable={{ expandedRowRender: (r) => <Evidence e={r.evidence} /> }}
            pagination={{ current: url.page, pageSize: url.pageSize, total: d?.total ?? 0, onChange: (p, s) => url.setPage(p, s) }}
            data-testid="ads-advice"
            columns={[
              {
                title: t('ads.f.plan'),
                dataIndex: 'planName',
                width: 160,
                ellipsis: true,
                render: (v: string, r) => <Link to={`/ads/plans/${r.planId}`}>{v}</Link>,
              },
              { title: t('ads.advice.kind'), dataIndex: 'kindName', width: 150, render: (v: string) => <Tag color="blue">{v}</Tag> },
              { title: t('ads.advice.message'), dataIndex: 'message' },
              {
                title: t('ads.f.status'),
                dataIndex: 'status',
                width: 160,
                render: (v: AdAdviceItem['status'], r) => (
                  <Space direction="vertical" size={0}>
                    <Tag color={STATUS_COLOR[v]}>{t(`ads.advice.${v}`)}</Tag>
                    {r.decidedAt ? <Typography.Text type="secondary">{formatDateTime(r.decidedAt)}</Typography.Text> : null}
                  </Space>
                ),
              },
              {
                title: '',
                key: 'act',
                width: 150,
                render: (_: unknown, r) =>
                  r.status === 'open' ? (
                    <Space>
                      <Popconfirm title={`${t('ads.advice.accept')}：${r.kindName}？`} onConfirm={() => act(r, 'accepted')}>
                        <Button size="small" type="primary" data-testid="ads-advice-accept">
                          {t('ads.advice.accept')}
                        </Button>
                      </Popconfirm>
                      <Button size="small" onClick={() => act(r, 'dismissed')} data-testid="ads-advice-dismiss">
                        {t('ads.advice.dismiss')}
                      </Button>
                    </Space>
                  ) : null,
              },
            ]}
          />
        </Space>
      )}
    </PageContainer>
  );
}
