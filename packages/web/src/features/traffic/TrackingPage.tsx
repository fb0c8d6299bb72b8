import { useState } from 'react';
import { Alert, App, Button, Card, Empty, Form, Modal, Popconfirm, Select, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { PlusOutlined, StopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { useShop } from '../../components/ShopContext';
import { useApiError } from '../../components/useApiError';
import { useUrlState } from '../../components/useUrlState';
import { useCreateKey, useKeys, useRevokeKey, type CollectKey } from './api';

export function snippetFor(key: string, origin = window.location.origin): string {
  return `<script async src="${origin}/tracker.js" data-key="${key}"></script>`;
}

function trackExample(comment: (k: string) => string): string {
  return [
    `// ${comment('productView')}`,
    "window.yunying.track('product_view', { productId: 'prd_…', skuId: 'sku_…' });",
    `// ${comment('favorite')}`,
    "window.yunying.track('favorite', { productId: 'prd_…' });",
    `// ${comment('addToCart')}`,
    "window.yunying.track('add_to_cart', { productId: 'prd_…', skuId: 'sku_…' });",
    `// ${comment('checkout')}`,
    "window.yunying.track('begin_checkout');",
  ].join('\n');
}

const QUEUE_EXAMPLE = `window.yunying = window.yunying || { q: [] };
if (window.yunying.track) window.yunying.track('product_view', { productId: 'prd_…' });
else window.yunying.q.push(['product_view', { productId: 'prd_…' }]);`;

/** 埋点代码: per shop, the tracker's write keys and the snippet to paste into the storefront. */
export function TrackingPage() {
  const { t } = useTranslation();
  const { shop, shops } = useShop();
  const url = useUrlState();
  const shopId = url.get('shopId') ?? shop?.id ?? shops[0]?.id;
  const keys = useKeys(shopId);
  const [creating, setCreating] = useState(false);
  const active = (keys.data ?? []).filter((k) => k.revokedAt === null);
  const example = trackExample((k) => t(`traffic.tracking.events.${k}`));

  const setShop = (id: string) => url.patch({ shopId: id });

  const title = t('traffic.tracking.title');
  if (!shopId) {
    return (
      <PageContainer title={title}>
        <Empty description={t('traffic.tracking.noShops')} />
      </PageContainer>
    );
  }
  return (
    <PageContainer
      title={title}
      bare
      extra={
        <Space>
          <Typography.Text type="secondary">{t('traffic.tracking.shop')}</Typography.Text>
          <Select
            value={shopId}
            onChange={setShop}
            style={{ minWidth: 200 }}
            options={shops.map((s) => ({ value: s.id, label: s.name }))}
            data-testid="tracking-shop"
          />
        </Space>
      }
    >
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Card
          title={t('traffic.tracking.keys')}
          extra={
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="key-create">
              {t('traffic.tracking.create')}
            </Button>
          }
        >
          <Typography.Paragraph type="secondary">{t('traffic.tracking.keysHint')}</Typography.Paragraph>
          {keys.isError ? (
            <QueryError error={keys.error} onRetry={() => void keys.refetch()} />
          ) : (
            <KeysTable keys={keys.data ?? []} loading={keys.isPending} />
          )}
        </Card>
        <Card title={t('traffic.tracking.snippet')} data-testid="tracking-snippet">
          {active.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('traffic.tracking.noActiveKey')} />
          ) : (
            <>
              <Typography.Paragraph>{t('traffic.tracking.snippetHint')}</Typography.Paragraph>
              {active.map((k) => (
                <Typography.Paragraph key={k.id} copyable={{ text: snippetFor(k.key) }} data-testid={`snippet-${k.id}`}>
                  <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{snippetFor(k.key)}</pre>
                </Typography.Paragraph>
              ))}
            </>
          )}
          <Typography.Title level={5}>{t('traffic.tracking.eventsTitle')}</Typography.Title>
          <Typography.Paragraph>{t('traffic.tracking.eventsHint')}</Typography.Paragraph>
          <Typography.Paragraph copyable={{ text: example }}>
            <pre style={{ margin: 0 }}>{example}</pre>
          </Typography.Paragraph>
          <Typography.Paragraph>{t('traffic.tracking.queueHint')}</Typography.Paragraph>
          <Typography.Paragraph copyable={{ text: QUEUE_EXAMPLE }}>
            <pre style={{ margin: 0 }}>{QUEUE_EXAMPLE}</pre>
          </Typography.Paragraph>
          <Alert type="info" showIcon title={t('traffic.tracking.privacy')} />
        </Card>
      </Space>
      {creating ? <CreateKeyModal shopId={shopId} onClose={() => setCreating(false)} /> : null}
    </PageContainer>
  );
}

function KeysTable({ keys, loading }: { keys: CollectKey[]; loading: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const revoke = useRevokeKey();
  const columns: TableProps<CollectKey>['columns'] = [
    {
      title: t('traffic.tracking.key'),
      dataIndex: 'key',
      render: (k: string, r) => (
        <Typography.Text code copyable={r.revokedAt === null} delete={r.revokedAt !== null}>
          {k}
        </Typography.Text>
      ),
    },
    {
      title: t('traffic.tracking.origins'),
      dataIndex: 'allowedOrigins',
      render: (o: string[]) =>
        o.length === 0 ? (
          <Typography.Text type="secondary">{t('traffic.tracking.anyOrigin')}</Typography.Text>
        ) : (
          <Space size={4} wrap>
            {o.map((x) => (
              <Tag key={x}>{x}</Tag>
            ))}
          </Space>
        ),
    },
    { title: t('common.createdAt'), dataIndex: 'createdAt', render: (ms: number) => formatDateTime(ms) },
    {
      title: t('common.status'),
      key: 'status',
      render: (_, r) =>
        r.revokedAt === null ? (
          <Tag color="green">{t('traffic.tracking.active')}</Tag>
        ) : (
          <Tag>{t('traffic.tracking.revokedAt', { at: formatDateTime(r.revokedAt) })}</Tag>
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, r) =>
        r.revokedAt === null ? (
          <Popconfirm
            title={t('traffic.tracking.confirmRevoke')}
            onConfirm={() =>
              revoke.mutate(r.id, { onSuccess: () => void message.success(t('traffic.tracking.revoked')), onError: (e) => onError(e) })
            }
          >
            <Button size="small" danger icon={<StopOutlined />} data-testid={`key-revoke-${r.id}`}>
              {t('traffic.tracking.revoke')}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];
  return (
    <Table<CollectKey>
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={keys}
      loading={loading}
      pagination={false}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('traffic.tracking.empty')} /> }}
      data-testid="key-table"
    />
  );
}

function CreateKeyModal({ shopId, onClose }: { shopId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const create = useCreateKey();
  const [form] = Form.useForm<{ allowedOrigins: string[] }>();
  return (
    <Modal
      open
      title={t('traffic.tracking.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      okButtonProps={{ 'data-testid': 'key-save' } as Record<string, string>}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ allowedOrigins: [] }}
        onFinish={(v) =>
          create.mutate(
            { shopId, allowedOrigins: v.allowedOrigins.map((o) => o.trim()).filter(Boolean) },
            {
              onSuccess: () => {
                void message.success(t('traffic.tracking.created'));
                onClose();
              },
              onError: (e) => onError(e, form),
            },
          )
        }
      >
        <Form.Item
          name="allowedOrigins"
          label={t('traffic.tracking.origins')}
          extra={t('traffic.tracking.originsHint')}
          rules={[
            {
              validator: async (_, value: string[] | undefined) => {
                const bad = (value ?? []).find((o) => !/^https?:\/\/[^/\s?#]+$/.test(o.trim()));
                if (bad) throw new Error(t('traffic.tracking.originInvalid', { origin: bad }));
              },
            },
          ]}
        >
          <Select mode="tags" open={false} tokenSeparators={[',', ' ']} placeholder="https://shop.example.com" data-testid="key-origins" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
