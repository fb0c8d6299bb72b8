import { Alert, App, Card, List, Space, Switch, Tag, Tooltip, Typography } from 'antd';
import type { NotificationEmailDto, NotificationEmailKind } from '@yunying/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../components/format';
import { QueryState } from '../../components/QueryState';
import { useApiError } from '../../components/useApiError';
import { useEmailPrefs, useMyNotificationEmails, useSetEmailPrefs } from './api';

const STATUS_COLOR: Record<NotificationEmailDto['status'], string> = {
  pending: 'default',
  sending: 'processing',
  sent: 'green',
  failed: 'red',
  unknown: 'orange',
};

/** 个人设置 → 邮件提醒: switch each kind of notification email on or off for oneself, and see the latest ones. */
export function NotificationEmailCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useApiError();
  const prefs = useEmailPrefs();
  const save = useSetEmailPrefs();
  const emails = useMyNotificationEmails();

  const toggle = (kind: NotificationEmailKind, enabled: boolean) =>
    save.mutate(
      { prefs: [{ kind, enabled }] },
      { onSuccess: () => void message.success(t('notifyMail.saved')), onError: (e) => onError(e) },
    );

  return (
    <Card title={t('notifyMail.title')} data-testid="account-email-alerts">
      <QueryState query={prefs}>
        {(p) => (
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            <Typography.Text type="secondary">{t('notifyMail.intro')}</Typography.Text>
            {p.email ? (
              <Typography.Text data-testid="email-alerts-address">{t('notifyMail.address', { email: p.email })}</Typography.Text>
            ) : (
              <Alert type="warning" showIcon title={t('notifyMail.noAddress')} data-testid="email-alerts-no-address" />
            )}
            {p.smtpConfigured ? null : <Alert type="info" showIcon title={t('notifyMail.noSmtp')} data-testid="email-alerts-no-smtp" />}
            {p.prefs.map((x) => (
              <Space key={x.kind} align="start" style={{ width: '100%', justifyContent: 'space-between' }}>
                <Space orientation="vertical" size={0}>
                  <Typography.Text strong>{t(`notifyMail.kinds.${x.kind}`)}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {x.available ? t(`notifyMail.hints.${x.kind}`) : t('notifyMail.unavailable')}
                  </Typography.Text>
                </Space>
                <Switch
                  checked={x.enabled && x.available}
                  disabled={!x.available || save.isPending}
                  onChange={(v) => toggle(x.kind, v)}
                  data-testid={`email-alert-${x.kind}`}
                />
              </Space>
            ))}
          </Space>
        )}
      </QueryState>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('notifyMail.recent')}
      </Typography.Title>
      <QueryState query={emails}>
        {(d) => (
          <List
            size="small"
            dataSource={d.items}
            locale={{ emptyText: t('notifyMail.noRecent') }}
            data-testid="email-alerts-recent"
            renderItem={(m) => (
              <List.Item key={m.id} data-testid="email-alert-row" data-status={m.status}>
                <Space orientation="vertical" size={0} style={{ width: '100%' }}>
                  <Space size={6} wrap>
                    <Tooltip title={m.status === 'unknown' ? t('notifyMail.unknownHint') : m.error || undefined}>
                      <Tag color={STATUS_COLOR[m.status]}>{t(`notifyMail.status.${m.status}`)}</Tag>
                    </Tooltip>
                    <Typography.Text>{m.subject}</Typography.Text>
                  </Space>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatDateTime(m.sentAt ?? m.createdAt)} · {m.address} · {t('notifyMail.attempts', { n: m.attempts })}
                    {m.status === 'failed' && m.error ? ` · ${m.error}` : ''}
                  </Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        )}
      </QueryState>
    </Card>
  );
}
