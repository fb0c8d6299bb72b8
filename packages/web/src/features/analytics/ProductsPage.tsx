import { Card, Col, Empty, Row, Segmented, Space, Table, Typography, type TableProps } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  PRODUCT_FIGURES,
  PRODUCT_SORT_BY,
  PRODUCT_SORTS,
  type ProductFigure,
  type ProductRow,
  type ProductSort,
  type ProductSortBy,
  type ProductsResponse,
} from '@yunying/core';
import { ChangeValue, signedColor, useChangeColors } from '../../components/Change';
import { formatCount, formatPercent, NO_VALUE } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { DEFAULT_PAGE_SIZE, useUrlState } from '../../components/useUrlState';
import { useProductsAnalytics } from './api';
import { MetricLabel, metricValueColumn } from './MetricLabel';
import { formatMetric } from './metricFormat';
import { PeriodPicker, usePeriod, useShopQuery } from './period';

/** The metric columns: every sort of the route but the product's own id and title. */
type SortKey = Exclude<ProductSort, 'productId' | 'title'>;
const SORTABLE = PRODUCT_SORTS.filter((k): k is SortKey => k !== 'productId' && k !== 'title');
const DEFAULT_SORT: SortKey = 'paidFen';

function productLink(productId: string, params: URLSearchParams): string {
  const p = new URLSearchParams();
  for (const k of ['from', 'to']) {
    const v = params.get(k);
    if (v) p.set(k, v);
  }
  const qs = p.toString();
  return `/analytics/products/${encodeURIComponent(productId)}${qs ? `?${qs}` : ''}`;
}

function cell(metric: SortKey, v: number | null): string {
  if (metric === 'cartUv' || metric === 'available') return v === null ? NO_VALUE : formatCount(v);
  return formatMetric(metric, v);
}

/** 商品分析: ranking sorted on the server by any metric, hot-item candidates and slow movers. */
export function ProductsPage() {
  const { t } = useTranslation();
  const { shopId } = useShopQuery();
  const period = usePeriod();
  const url = useUrlState();
  const { params } = url;
  const rawSort = url.get('sort');
  const sort: SortKey = (SORTABLE as readonly string[]).includes(rawSort ?? '') ? (rawSort as SortKey) : DEFAULT_SORT;
  const order: 'asc' | 'desc' = url.get('order') === 'asc' ? 'asc' : 'desc';
  const rawBy = url.get('sortBy');
  const sortBy: ProductSortBy = (PRODUCT_SORT_BY as readonly string[]).includes(rawBy ?? '') ? (rawBy as ProductSortBy) : 'value';
  const page = url.page;
  const pageSize = Math.min(url.pageSize, 200);
  const q = useProductsAnalytics({ shopId, from: period.from, to: period.to, sort, order, sortBy, page, pageSize });

  const onChange: TableProps<ProductRow>['onChange'] = (pagination, _filters, sorter) => {
    const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<ProductRow> | undefined;
    const nextSort = s?.order ? String(s.columnKey) : DEFAULT_SORT;
    const nextOrder = s?.order === 'ascend' ? 'asc' : 'desc';
    const isDefault = nextSort === DEFAULT_SORT && nextOrder === 'desc';
    const sortChanged = nextSort !== sort || nextOrder !== order;
    const nextSize = pagination.pageSize ?? DEFAULT_PAGE_SIZE;
    const nextPage = sortChanged || nextSize !== pageSize ? 1 : (pagination.current ?? 1);
    url.patch({
      sort: isDefault ? undefined : nextSort,
      order: isDefault ? undefined : nextOrder,
      page: nextPage === 1 ? undefined : nextPage,
      pageSize: nextSize === DEFAULT_PAGE_SIZE ? undefined : nextSize,
    });
  };

  const metricColumn = (metric: SortKey): NonNullable<TableProps<ProductRow>['columns']>[number] => ({
    title: <MetricLabel metric={metric} />,
    dataIndex: metric,
    key: metric,
    align: 'right',
    sorter: true,
    sortDirections: ['descend', 'ascend', 'descend'],
    sortOrder: sort === metric ? (order === 'asc' ? 'ascend' : 'descend') : null,
    render: (v: number | null, r: ProductRow) => {
      const compared = (PRODUCT_FIGURES as readonly string[]).includes(metric) && r.base;
      return (
        <Space orientation="vertical" size={0} style={{ alignItems: 'flex-end' }}>
          <span>{cell(metric, v)}</span>
          {compared ? (
            <ChangeValue current={v} base={r.base![metric as ProductFigure]} size="small" testId={`change-${metric}-${r.productId}`} />
          ) : null}
        </Space>
      );
    },
  });

  const columns: TableProps<ProductRow>['columns'] = [
    {
      title: t('analytics.col.product'),
      key: 'title',
      fixed: 'left',
      width: 260,
      render: (_, r) => (
        <Link to={productLink(r.productId, params)} data-testid={`product-link-${r.productId}`}>
          <Typography.Text ellipsis={{ tooltip: r.title }} style={{ maxWidth: 240, color: 'inherit' }}>
            {r.title}
          </Typography.Text>
        </Link>
      ),
    },
    ...SORTABLE.map(metricColumn),
  ];

  const title = t('analytics.products.title');
  const extra = <PeriodPicker period={period} />;
  if (q.isError && !q.data) {
    return (
      <PageContainer title={title} extra={extra}>
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      </PageContainer>
    );
  }
  const d = q.data;
  return (
    <PageContainer title={title} extra={extra} bare>
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Card
          title={t('analytics.products.ranking')}
          extra={
            <Space wrap>
              {d ? (
                <Typography.Text type="secondary">{t('analytics.products.vsBase', { from: d.baseFrom, to: d.baseTo })}</Typography.Text>
              ) : null}
              <Segmented<ProductSortBy>
                value={sortBy}
                options={PRODUCT_SORT_BY.map((b) => ({ value: b, label: t(`analytics.products.sortBy.${b}`) }))}
                onChange={(b) => url.patch({ sortBy: b === 'value' ? undefined : b, page: undefined })}
                data-testid="products-sort-by"
                title={t('analytics.products.sortByHint')}
              />
            </Space>
          }
        >
          <Table<ProductRow>
            rowKey="productId"
            size="middle"
            columns={columns}
            dataSource={d?.items ?? []}
            loading={q.isFetching}
            onChange={onChange}
            scroll={{ x: 'max-content' }}
            showSorterTooltip={false}
            pagination={{
              current: page,
              pageSize,
              total: d?.total ?? 0,
              showSizeChanger: true,
              showTotal: (n) => t('common.total', { count: n }),
            }}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('analytics.empty.products')} /> }}
            data-testid="products-ranking"
          />
        </Card>
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={12}>
            <HotCandidates rows={d?.hotCandidates ?? []} loading={q.isPending} params={params} />
          </Col>
          <Col xs={24} xl={12}>
            <SlowMovers rows={d?.slowMovers ?? []} loading={q.isPending} params={params} />
          </Col>
        </Row>
      </Space>
    </PageContainer>
  );
}

function HotCandidates({ rows, loading, params }: { rows: ProductsResponse['hotCandidates']; loading: boolean; params: URLSearchParams }) {
  const { t } = useTranslation();
  type Row = ProductsResponse['hotCandidates'][number];
  const colors = useChangeColors();
  const columns: TableProps<Row>['columns'] = [
    {
      title: t('analytics.col.product'),
      key: 'title',
      render: (_, r) => (
        <Link to={productLink(r.productId, params)}>
          <Typography.Text ellipsis={{ tooltip: r.title }} style={{ maxWidth: 220, color: 'inherit' }}>
            {r.title}
          </Typography.Text>
        </Link>
      ),
    },
    metricValueColumn('uv'),
    {
      title: <MetricLabel metric="uvGrowth" />,
      dataIndex: 'uvGrowth',
      align: 'right',
      render: (v: number) => <span style={{ color: signedColor(colors, v) }}>{`${v > 0 ? '+' : ''}${formatPercent(v)}`}</span>,
    },
    metricValueColumn('payConversion'),
  ];
  return (
    <Card
      title={t('analytics.products.hot')}
      extra={<Typography.Text type="secondary">{t('analytics.products.hotHint')}</Typography.Text>}
      style={{ height: '100%' }}
    >
      <Table<Row>
        size="small"
        rowKey="productId"
        columns={columns}
        dataSource={rows}
        loading={loading}
        pagination={rows.length > 10 ? { pageSize: 10, size: 'small' } : false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('analytics.products.noHot')} /> }}
        data-testid="hot-candidates"
      />
    </Card>
  );
}

function SlowMovers({ rows, loading, params }: { rows: ProductsResponse['slowMovers']; loading: boolean; params: URLSearchParams }) {
  const { t } = useTranslation();
  type Row = ProductsResponse['slowMovers'][number];
  const columns: TableProps<Row>['columns'] = [
    {
      title: t('analytics.col.product'),
      key: 'title',
      render: (_, r) => (
        <Link to={productLink(r.productId, params)}>
          <Typography.Text ellipsis={{ tooltip: r.title }} style={{ maxWidth: 220, color: 'inherit' }}>
            {r.title}
          </Typography.Text>
        </Link>
      ),
    },
    { title: <MetricLabel metric="onHand" />, dataIndex: 'onHand', align: 'right', render: (v: number) => formatCount(v) },
    {
      title: <MetricLabel metric="lastSoldDay" />,
      dataIndex: 'lastSoldDay',
      align: 'right',
      render: (v: string | null) => v ?? t('analytics.products.neverSold'),
    },
  ];
  return (
    <Card
      title={t('analytics.products.slow')}
      extra={<Typography.Text type="secondary">{t('analytics.products.slowHint')}</Typography.Text>}
      style={{ height: '100%' }}
    >
      <Table<Row>
        size="small"
        rowKey="productId"
        columns={columns}
        dataSource={rows}
        loading={loading}
        pagination={rows.length > 10 ? { pageSize: 10, size: 'small' } : false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('analytics.products.noSlow')} /> }}
        data-testid="slow-movers"
      />
    </Card>
  );
}
