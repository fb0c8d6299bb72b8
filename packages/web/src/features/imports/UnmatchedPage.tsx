import { useState } from 'react';
import { App, Button, Empty, Select, Space, Table, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatCount } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { ALL_SHOPS, useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { useMapUnmatched, useSkuOptions, useUnmatched, type UnmatchedGroup } from './api';

function SkuPicker({ value, onChange, testId }: { value: string | undefined; onChange: (v: string | undefined) => void; testId: string }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const opts = useSkuOptions(q);
  return (
    <Select
      showSearch
      allowClear
      style={{ width: 260 }}
      value={value}
      onChange={onChange}
      filterOption={false}
      onSearch={setQ}
      loading={opts.isFetching}
      placeholder={t('imports.skuPicker')}
      options={(opts.data ?? []).map((s) => ({ value: s.id, label: `${s.code} · ${s.title}${s.specText ? ` (${s.specText})` : ''}` }))}
      data-testid={testId}
    />
  );
}

function rowKey(g: UnmatchedGroup): string {
  return `${g.shopId}|${g.merchantCode}|${g.channelItemId}`;
}

export function UnmatchedPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const { shopId, shops } = useShop();
  const url = useUrlState();
  const { page } = url;
  const list = useUnmatched(page, shopId === ALL_SHOPS ? undefined : shopId);
  const map = useMapUnmatched();
  const [picked, setPicked] = useState<Record<string, string | undefined>>({});

  const doMap = (g: UnmatchedGroup) => {
    const skuId = picked[rowKey(g)];
    if (!skuId) return;
    map.mutate(
      {
        shopId: g.shopId,
        skuId,
        ...(g.merchantCode ? { merchantCode: g.merchantCode } : {}),
        ...(g.channelItemId ? { channelItemId: g.channelItemId } : {}),
        ...(!g.merchantCode && !g.channelItemId ? { merchantCode: '' } : {}),
      },
      {
        onSuccess: (r) => void message.success(t('imports.mapped', { count: r.lines })),
        onError: (e) => onError(e),
      },
    );
  };

  const columns: TableProps<UnmatchedGroup>['columns'] = [
    {
      title: t('imports.shop'),
      dataIndex: 'shopId',
      key: 'shop',
      width: 130,
      render: (v: string) => shops.find((s) => s.id === v)?.name ?? v,
    },
    { title: t('imports.merchantCode'), dataIndex: 'merchantCode', key: 'merchantCode', width: 150, render: (v: string) => v || '—' },
    { title: t('imports.channelItemId'), dataIndex: 'channelItemId', key: 'channelItemId', width: 150, render: (v: string) => v || '—' },
    { title: t('imports.itemTitle'), dataIndex: 'title', key: 'title', ellipsis: true },
    { title: t('imports.lineCount'), dataIndex: 'lines', key: 'lines', width: 90, render: (v: number) => formatCount(v) },
    { title: t('imports.qty'), dataIndex: 'qty', key: 'qty', width: 80, render: (v: number) => formatCount(v) },
    {
      title: t('imports.map'),
      key: 'map',
      width: 360,
      render: (_, g) => {
        const k = rowKey(g);
        return (
          <Space>
            <SkuPicker value={picked[k]} onChange={(v) => setPicked((p) => ({ ...p, [k]: v }))} testId={`unmatched-sku-${k}`} />
            <Button
              type="primary"
              disabled={!picked[k]}
              loading={map.isPending}
              onClick={() => doMap(g)}
              data-testid={`unmatched-map-${k}`}
            >
              {t('imports.map')}
            </Button>
          </Space>
        );
      },
    },
  ];

  return (
    <PageContainer title={t('imports.unmatchedTitle')}>
      <Typography.Paragraph type="secondary">{t('imports.unmatchedIntro')}</Typography.Paragraph>
      {list.isError && !list.data ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<UnmatchedGroup>
          rowKey={rowKey}
          size="middle"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.isFetching}
          locale={{ emptyText: <Empty description={t('imports.emptyUnmatched')} /> }}
          pagination={{
            current: page,
            pageSize: 20,
            total: list.data?.total ?? 0,
            onChange: (p) => url.setPage(p),
            showTotal: (total) => t('common.total', { count: total }),
          }}
          data-testid="unmatched-table"
        />
      )}
    </PageContainer>
  );
}
