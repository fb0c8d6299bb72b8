import { useEffect, useState } from 'react';
import { App, Button, Card, Empty, Flex, Image, Input, List, Popconfirm, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import { ArrowLeftOutlined, ArrowRightOutlined, DeleteOutlined, PlusOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CheckIssue, ListingDto, ProductDto } from '@yunying/core';
import { useAuth } from '../../components/AuthContext';
import { useLabels } from '../../components/labels';
import { QueryError } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { useDeleteImage, useProductCheck, useReorderImages, useSaveListings, useUploadImage } from './api';
import { RiskTag } from './shared';

export function ImagesCard({ product, canWrite }: { product: ProductDto; canWrite: boolean }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const upload = useUploadImage();
  const reorder = useReorderImages();
  const del = useDeleteImage();
  const ids = product.images.map((i) => i.id);
  const move = (i: number, d: -1 | 1) => {
    const next = [...ids];
    [next[i], next[i + d]] = [next[i + d]!, next[i]!];
    reorder.mutate({ id: product.id, ids: next }, { onError: (e) => onError(e) });
  };
  return (
    <Card
      title={t('catalog.images.title')}
      extra={
        canWrite ? (
          <Upload
            accept="image/jpeg,image/png,image/webp,image/gif"
            multiple
            showUploadList={false}
            customRequest={({ file }) =>
              upload.mutate(
                { target: product.id, file: file as File, csrf: me.csrfToken },
                { onSuccess: () => void message.success(t('catalog.images.uploaded')), onError: (e) => onError(e) },
              )
            }
          >
            <Button icon={<UploadOutlined />} loading={upload.isPending} data-testid="image-upload">
              {t('catalog.images.upload')}
            </Button>
          </Upload>
        ) : null
      }
    >
      <Typography.Paragraph type="secondary">{t('catalog.images.hint')}</Typography.Paragraph>
      {product.images.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <Flex gap={12} wrap data-testid="image-list">
          {product.images.map((img, i) => (
            <div key={img.id} style={{ width: 120 }} data-testid={`image-${i}`}>
              <Image src={img.url} width={120} height={120} style={{ objectFit: 'cover', borderRadius: 6 }} alt="" />
              <Flex justify="space-between" align="center" style={{ marginTop: 4 }}>
                {i === 0 ? <Tag color="blue">{t('catalog.images.main')}</Tag> : <span />}
                {canWrite ? (
                  <Space size={0}>
                    <Button
                      size="small"
                      type="text"
                      icon={<ArrowLeftOutlined />}
                      disabled={i === 0}
                      onClick={() => move(i, -1)}
                      aria-label={t('catalog.images.left')}
                    />
                    <Button
                      size="small"
                      type="text"
                      icon={<ArrowRightOutlined />}
                      disabled={i === ids.length - 1}
                      onClick={() => move(i, 1)}
                      aria-label={t('catalog.images.right')}
                    />
                    <Popconfirm
                      title={t('common.confirmDelete')}
                      onConfirm={() => del.mutate({ id: product.id, imageId: img.id }, { onError: (e) => onError(e) })}
                    >
                      <Button
                        size="small"
                        type="text"
                        danger
                        icon={<DeleteOutlined />}
                        aria-label={t('common.delete')}
                        data-testid={`image-delete-${i}`}
                      />
                    </Popconfirm>
                  </Space>
                ) : null}
              </Flex>
            </div>
          ))}
        </Flex>
      )}
    </Card>
  );
}

type ListingRow = Omit<ListingDto, 'id'> & { key: string };

export function ListingsCard({ product, canWrite }: { product: ProductDto; canWrite: boolean }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const labels = useLabels();
  const { message } = App.useApp();
  const onError = useApiError();
  const save = useSaveListings();
  const toRows = (items: ListingDto[]): ListingRow[] => items.map((l) => ({ ...l, key: l.id }));
  const [rows, setRows] = useState<ListingRow[]>(toRows(product.listings));
  useEffect(() => setRows(toRows(product.listings)), [product.listings]);
  const set = (key: string, patch: Partial<ListingRow>) => setRows(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const shopOptions = me.shops.map((s) => ({ value: s.id, label: `${s.name} · ${labels.channel(s.channel)}` }));
  const skuOptions = [
    { value: '', label: t('catalog.listings.anySku') },
    ...product.skus.map((s) => ({ value: s.id, label: `${s.code} ${s.specText}` })),
  ];
  return (
    <Card
      title={t('catalog.listings.title')}
      extra={
        canWrite ? (
          <Space>
            <Button
              icon={<PlusOutlined />}
              onClick={() =>
                setRows([
                  ...rows,
                  {
                    key: `new-${Date.now()}`,
                    shopId: me.shops[0]?.id ?? '',
                    channelItemId: '',
                    channelSkuId: '',
                    skuId: null,
                    title: null,
                  },
                ])
              }
              data-testid="listing-add"
            >
              {t('catalog.listings.add')}
            </Button>
            <Button
              type="primary"
              loading={save.isPending}
              onClick={() =>
                save.mutate(
                  { id: product.id, items: rows.map(({ key: _key, ...r }) => ({ ...r, skuId: r.skuId || null, title: r.title || null })) },
                  { onSuccess: () => void message.success(t('common.saved')), onError: (e) => onError(e) },
                )
              }
              data-testid="listing-save"
            >
              {t('catalog.listings.save')}
            </Button>
          </Space>
        ) : null
      }
    >
      <Typography.Paragraph type="secondary">{t('catalog.listings.hint')}</Typography.Paragraph>
      <Table<ListingRow>
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={rows}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('catalog.listings.empty')} /> }}
        data-testid="listing-table"
        columns={[
          {
            title: t('catalog.listings.shop'),
            key: 'shop',
            width: 200,
            render: (_, r) => (
              <Select
                size="small"
                style={{ width: '100%' }}
                disabled={!canWrite}
                value={r.shopId || undefined}
                options={shopOptions}
                onChange={(shopId: string) => set(r.key, { shopId })}
              />
            ),
          },
          {
            title: t('catalog.listings.itemId'),
            key: 'item',
            render: (_, r, i) => (
              <Input
                size="small"
                disabled={!canWrite}
                value={r.channelItemId}
                onChange={(e) => set(r.key, { channelItemId: e.target.value })}
                data-testid={`listing-item-${i}`}
              />
            ),
          },
          {
            title: t('catalog.listings.skuId'),
            key: 'csku',
            render: (_, r) => (
              <Input
                size="small"
                disabled={!canWrite}
                value={r.channelSkuId}
                onChange={(e) => set(r.key, { channelSkuId: e.target.value })}
              />
            ),
          },
          {
            title: t('catalog.listings.sku'),
            key: 'sku',
            width: 220,
            render: (_, r) => (
              <Select
                size="small"
                style={{ width: '100%' }}
                disabled={!canWrite}
                value={r.skuId ?? ''}
                options={skuOptions}
                onChange={(skuId: string) => set(r.key, { skuId: skuId || null })}
              />
            ),
          },
          {
            title: t('catalog.listings.channelTitle'),
            key: 'title',
            render: (_, r) => (
              <Input size="small" disabled={!canWrite} value={r.title ?? ''} onChange={(e) => set(r.key, { title: e.target.value })} />
            ),
          },
          ...(canWrite
            ? [
                {
                  key: 'del',
                  width: 48,
                  render: (_: unknown, r: ListingRow) => (
                    <Button
                      size="small"
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      onClick={() => setRows(rows.filter((x) => x.key !== r.key))}
                      aria-label={t('common.delete')}
                    />
                  ),
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}

export function IssueList({ issues }: { issues: CheckIssue[] }) {
  const { t } = useTranslation();
  return (
    <List
      size="small"
      dataSource={issues}
      renderItem={(i) => (
        <List.Item>
          <Space wrap>
            <Tag color={i.severity === 'error' ? 'red' : 'gold'}>{t(`catalog.check.kind.${i.kind}`)}</Tag>
            {i.risk ? <RiskTag risk={i.risk} /> : null}
            <span>{i.message}</span>
          </Space>
        </List.Item>
      )}
    />
  );
}

export function CheckCard({ productId }: { productId: string }) {
  const { t } = useTranslation();
  const check = useProductCheck(productId);
  return (
    <Card
      title={t('catalog.check.title')}
      extra={
        <Button
          size="small"
          icon={<ReloadOutlined />}
          onClick={() => void check.refetch()}
          loading={check.isFetching}
          data-testid="check-rerun"
        >
          {t('catalog.check.rerun')}
        </Button>
      }
      data-testid="check-panel"
    >
      {check.isError ? (
        <QueryError error={check.error} onRetry={() => void check.refetch()} />
      ) : !check.data ? null : check.data.issues.length === 0 ? (
        <Typography.Text type="success">{t('catalog.check.ok')}</Typography.Text>
      ) : (
        <IssueList issues={check.data.issues} />
      )}
    </Card>
  );
}
