import { useState } from 'react';
import { Alert, App, Badge, Button, Empty, Flex, Modal, Popconfirm, Table, Tag, Typography, type TableProps } from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ApiTokenInfo } from '@yunying/core';
import { formatDateTime } from '../../components/format';
import { useLabels } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { QueryError } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { useRevokeToken, useTokens } from './api';
import { CreateTokenModal } from './CreateTokenModal';

type TokenState = 'revoked' | 'expired' | 'valid';

function tokenState(tk: ApiTokenInfo, now: number): TokenState {
  if (tk.revokedAt !== null) return 'revoked';
  if (tk.expiresAt !== null && tk.expiresAt <= now) return 'expired';
  return 'valid';
}

export function TokensPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const { message } = App.useApp();
  const onError = useApiError();
  const tokens = useTokens();
  const revoke = useRevokeToken();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ value: string; name: string } | null>(null);
  // The list's age is the reference for "expired"; refetching refreshes both.
  const now = tokens.dataUpdatedAt;

  const onRevoke = (tk: ApiTokenInfo) =>
    revoke.mutate(tk.id, {
      onSuccess: () => void message.success(t('tokens.revokedDone')),
      onError: (e) => onError(e),
    });

  const columns: TableProps<ApiTokenInfo>['columns'] = [
    { title: t('tokens.name'), dataIndex: 'name', key: 'name', width: 160 },
    {
      title: t('tokens.prefix'),
      dataIndex: 'prefix',
      key: 'prefix',
      width: 140,
      render: (p: string) => <Typography.Text code>{p}…</Typography.Text>,
    },
    {
      title: t('tokens.scopes'),
      dataIndex: 'scopes',
      key: 'scopes',
      render: (scopes: string[]) => (
        <Flex wrap gap={4}>
          {scopes.map((s) => (
            <Tag key={s} style={{ marginInlineEnd: 0 }} title={s}>
              {labels.permission(s)}
            </Tag>
          ))}
        </Flex>
      ),
    },
    {
      title: t('common.createdAt'),
      dataIndex: 'createdAt',
      key: 'createdAt',
      width: 170,
      render: (v: number) => formatDateTime(v),
    },
    {
      title: t('tokens.lastUsed'),
      dataIndex: 'lastUsedAt',
      key: 'lastUsedAt',
      width: 170,
      render: (v: number | null) => formatDateTime(v, t('common.never')),
    },
    {
      title: t('tokens.expires'),
      dataIndex: 'expiresAt',
      key: 'expiresAt',
      width: 170,
      render: (v: number | null) => formatDateTime(v, t('tokens.neverExpires')),
    },
    {
      title: t('common.status'),
      key: 'state',
      width: 100,
      render: (_, tk) => {
        const s = tokenState(tk, now);
        return (
          <Badge
            status={s === 'valid' ? 'success' : s === 'expired' ? 'warning' : 'default'}
            text={t(`tokens.${s}`)}
            data-testid={`token-state-${tk.id}`}
          />
        );
      },
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      fixed: 'right',
      render: (_, tk) =>
        tk.revokedAt === null ? (
          <Popconfirm
            title={t('tokens.confirmRevoke')}
            okText={t('tokens.revoke')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: true, 'data-testid': 'token-revoke-confirm' }}
            onConfirm={() => onRevoke(tk)}
          >
            <Button type="link" size="small" danger data-testid={`token-revoke-${tk.id}`}>
              {t('tokens.revoke')}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  return (
    <PageContainer
      title={t('tokens.title')}
      extra={
        <>
          <Button icon={<ReloadOutlined />} onClick={() => void tokens.refetch()} aria-label={t('common.refresh')} />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="token-create">
            {t('tokens.create')}
          </Button>
        </>
      }
    >
      <Typography.Paragraph type="secondary">{t('tokens.intro')}</Typography.Paragraph>
      {tokens.isError && !tokens.data ? (
        <QueryError error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : (
        <Table<ApiTokenInfo>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={tokens.data ?? []}
          loading={tokens.isFetching}
          scroll={{ x: 1100 }}
          locale={{ emptyText: <Empty description={t('tokens.empty')} /> }}
          pagination={{ hideOnSinglePage: true, pageSize: 50 }}
          data-testid="tokens-table"
        />
      )}
      <CreateTokenModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(value, name) => {
          setCreating(false);
          setSecret({ value, name });
        }}
      />
      <Modal
        open={secret !== null}
        title={t('tokens.secretTitle')}
        closable={false}
        mask={{ closable: false }}
        keyboard={false}
        onOk={() => setSecret(null)}
        okText={t('tokens.secretDone')}
        okButtonProps={{ 'data-testid': 'token-secret-done' }}
        cancelButtonProps={{ style: { display: 'none' } }}
        destroyOnHidden
        width={600}
      >
        <Alert type="warning" showIcon title={t('tokens.secretWarning')} style={{ marginBottom: 16 }} />
        <Typography.Text strong>{secret?.name}</Typography.Text>
        <Typography.Paragraph
          copyable={{ text: secret?.value ?? '', tooltips: [t('common.copy'), t('common.copied')] }}
          code
          style={{ marginTop: 8, wordBreak: 'break-all', fontSize: 14 }}
        >
          <span data-testid="token-secret">{secret?.value}</span>
        </Typography.Paragraph>
        <Typography.Text type="secondary">{t('tokens.secretUsage')}</Typography.Text>
      </Modal>
    </PageContainer>
  );
}
