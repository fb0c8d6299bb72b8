import { useState } from 'react';
import { App, Button, Dropdown, Empty, Flex, Image, Input, Popconfirm, Select, Table, Tag, Typography, type TableProps } from 'antd';
import { DownloadOutlined, PlusOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { PRODUCT_STATUSES, type ProductListItem, type ProductStatus } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { formatDateTime, formatMoney } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { useUrlState } from '../../components/useUrlState';
import { useUrlPagination } from '../../components/useUrlPagination';
import { useApiError } from '../../components/useApiError';
import { downloadUrl, useBatchProducts, useBrands, useCategories, useProducts, useTags } from './api';
import { ImportModal } from './ImportModal';
import { PriceModal } from './PriceModal';
import { CategorySelect, StatusTag } from './shared';

export function ProductListPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const navigate = useNavigate();
  const url = useUrlState();
  const canWrite = can('products.write');
  const canPrice = can('products.price.write');

  const query = {
    q: url.get('q'),
    status: url.get('status'),
    categoryId: url.get('category'),
    brandId: url.get('brand'),
    tag: url.get('tag'),
    page: url.page,
    pageSize: url.pageSize,
  };
  const setParam = (patch: Record<string, string | undefined>) => url.patch(patch, { replace: true });
  const filtered = !!(query.q || query.status || query.categoryId || query.brandId || query.tag);

  const products = useProducts(query);
  const pagination = useUrlPagination(url, products.data?.total);
  const categories = useCategories();
  const brands = useBrands();
  const tags = useTags();
  const batch = useBatchProducts();
  const [selected, setSelected] = useState<string[]>([]);
  const [priceOpen, setPriceOpen] = useState(false);
  const [importOpen, setImportOpen] = useState(false);

  const runStatus = (action: 'on_sale' | 'off_shelf') =>
    batch.mutate(
      { ids: selected, action },
      {
        onSuccess: (r) => {
          void message.success(t('catalog.list.batchDone', { count: r.products }));
          setSelected([]);
        },
        onError: (e) => onError(e),
      },
    );

  const columns: TableProps<ProductListItem>['columns'] = [
    {
      title: t('catalog.list.product'),
      key: 'title',
      render: (_, p) => (
        <Flex gap={12} align="center">
          {p.imageUrl ? (
            <Image src={p.imageUrl} width={48} height={48} style={{ objectFit: 'cover', borderRadius: 4 }} preview={false} alt="" />
          ) : (
            <div style={{ width: 48, height: 48, background: '#f5f5f5', borderRadius: 4 }} />
          )}
          <div>
            <Link to={`/products/${p.id}`} data-testid={`product-link-${p.id}`}>
              {p.title}
            </Link>
            <div>
              {p.tags.map((tag) => (
                <Tag key={tag} style={{ marginTop: 4 }}>
                  {tag}
                </Tag>
              ))}
            </div>
          </div>
        </Flex>
      ),
    },
    { title: t('catalog.list.code'), dataIndex: 'code', key: 'code', width: 120, render: (v: string | null) => v ?? '—' },
    { title: t('catalog.list.category'), dataIndex: 'categoryPath', key: 'category', width: 160, render: (v: string | null) => v ?? '—' },
    { title: t('catalog.list.brand'), dataIndex: 'brandName', key: 'brand', width: 110, render: (v: string | null) => v ?? '—' },
    { title: t('catalog.list.skuCount'), dataIndex: 'skuCount', key: 'skuCount', width: 80, align: 'right' },
    {
      title: t('catalog.list.price'),
      key: 'price',
      width: 160,
      align: 'right',
      render: (_, p) =>
        p.priceMinFen === null
          ? '—'
          : p.priceMinFen === p.priceMaxFen
            ? formatMoney(p.priceMinFen)
            : `${formatMoney(p.priceMinFen)} ~ ${formatMoney(p.priceMaxFen!)}`,
    },
    { title: t('common.status'), dataIndex: 'status', key: 'status', width: 100, render: (s: ProductStatus) => <StatusTag status={s} /> },
    { title: t('catalog.list.updatedAt'), dataIndex: 'updatedAt', key: 'updatedAt', width: 170, render: (v: number) => formatDateTime(v) },
  ];

  const data = products.data;
  return (
    <PageContainer
      title={t('catalog.list.title')}
      extra={
        <>
          <Button icon={<ReloadOutlined />} onClick={() => void products.refetch()} aria-label={t('common.refresh')} />
          <Dropdown
            menu={{
              items: [
                {
                  key: 'xlsx',
                  label: (
                    <a href={downloadUrl('/products/export?format=xlsx')} data-testid="product-export-xlsx">
                      {t('catalog.list.exportXlsx')}
                    </a>
                  ),
                },
                {
                  key: 'csv',
                  label: (
                    <a href={downloadUrl('/products/export?format=csv')} data-testid="product-export-csv">
                      {t('catalog.list.exportCsv')}
                    </a>
                  ),
                },
              ],
            }}
          >
            <Button icon={<DownloadOutlined />} data-testid="product-export">
              {t('catalog.list.export')}
            </Button>
          </Dropdown>
          {canWrite ? (
            <>
              <Button icon={<UploadOutlined />} onClick={() => setImportOpen(true)} data-testid="product-import">
                {t('catalog.list.import')}
              </Button>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/products/new')} data-testid="product-create">
                {t('catalog.list.create')}
              </Button>
            </>
          ) : null}
        </>
      }
    >
      <Flex gap={8} wrap style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          defaultValue={query.q}
          placeholder={t('catalog.list.searchPlaceholder')}
          onSearch={(v) => setParam({ q: v.trim() || undefined })}
          style={{ width: 240 }}
          data-testid="product-search"
        />
        <Select
          allowClear
          placeholder={t('catalog.list.allStatus')}
          value={query.status}
          onChange={(v?: string) => setParam({ status: v })}
          options={PRODUCT_STATUSES.map((s) => ({ value: s, label: t(`catalog.status.${s}`) }))}
          style={{ width: 130 }}
          data-testid="product-filter-status"
        />
        <CategorySelect
          categories={categories.data ?? []}
          value={query.categoryId}
          onChange={(v) => setParam({ category: v })}
          placeholder={t('catalog.list.category')}
          style={{ width: 180 }}
          testId="product-filter-category"
        />
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('catalog.list.brand')}
          value={query.brandId}
          onChange={(v?: string) => setParam({ brand: v })}
          options={(brands.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
          style={{ width: 150 }}
          data-testid="product-filter-brand"
        />
        <Select
          allowClear
          showSearch
          placeholder={t('catalog.list.tag')}
          value={query.tag}
          onChange={(v?: string) => setParam({ tag: v })}
          options={(tags.data ?? []).map((x) => ({ value: x.tag, label: `${x.tag} (${x.count})` }))}
          style={{ width: 150 }}
          data-testid="product-filter-tag"
        />
      </Flex>
      {canWrite && selected.length > 0 ? (
        <Flex gap={8} align="center" style={{ marginBottom: 12 }} data-testid="product-bulk-bar">
          <Typography.Text>{t('catalog.list.selected', { count: selected.length })}</Typography.Text>
          <Popconfirm
            title={t('catalog.list.confirmOnSale', { count: selected.length })}
            onConfirm={() => runStatus('on_sale')}
            okText={t('common.ok')}
            cancelText={t('common.cancel')}
          >
            <Button size="small" loading={batch.isPending} data-testid="bulk-on-sale">
              {t('catalog.list.onSale')}
            </Button>
          </Popconfirm>
          <Popconfirm
            title={t('catalog.list.confirmOffShelf', { count: selected.length })}
            onConfirm={() => runStatus('off_shelf')}
            okText={t('common.ok')}
            cancelText={t('common.cancel')}
          >
            <Button size="small" loading={batch.isPending} data-testid="bulk-off-shelf">
              {t('catalog.list.offShelf')}
            </Button>
          </Popconfirm>
          {canPrice ? (
            <Button size="small" onClick={() => setPriceOpen(true)} data-testid="bulk-price">
              {t('catalog.list.changePrice')}
            </Button>
          ) : null}
        </Flex>
      ) : null}
      {products.isError && !data ? (
        <QueryError error={products.error} onRetry={() => void products.refetch()} />
      ) : (
        <Table<ProductListItem>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={data?.items ?? []}
          loading={products.isFetching}
          rowSelection={
            canWrite
              ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]), preserveSelectedRowKeys: true }
              : undefined
          }
          locale={{ emptyText: <Empty description={filtered ? t('catalog.list.emptyFiltered') : t('catalog.list.empty')} /> }}
          pagination={pagination}
          data-testid="product-table"
        />
      )}
      <PriceModal
        open={priceOpen}
        ids={selected}
        onClose={(done) => {
          setPriceOpen(false);
          if (done) setSelected([]);
        }}
      />
      <ImportModal open={importOpen} onClose={() => setImportOpen(false)} />
    </PageContainer>
  );
}
