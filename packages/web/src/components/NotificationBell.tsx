import { Badge, Button, Empty, List, Popover, Space, Tag, Typography, theme } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMarkRead, useNotifications, type NotificationItem } from '../features/inventory/api';
import { formatDateTime } from './format';

const LEVEL_COLOR: Record<string, string> = { info: 'blue', warning: 'orange', error: 'red' };

/** Where a notification leads: stock alerts open the SKU's stock rows, a 中差评 alert its review's follow-up, the morning digest 今日自查. */
function linkOf(n: NotificationItem): string | null {
  if ((n.type === 'low_stock' || n.type === 'over_stock') && n.entityId) return `/inventory?skuId=${encodeURIComponent(n.entityId)}`;
  if (n.type === 'review_negative' && n.entityId) return `/reviews/${encodeURIComponent(n.entityId)}`;
  if (n.type === 'digest') return '/checks';
  return null;
}

/** The words of a notification's link. */
function linkLabel(n: NotificationItem): string {
  if (n.type === 'review_negative') return 'reviews.followUp';
  if (n.type === 'digest') return 'notifyMail.bell.openChecks';
  return 'notifications.viewStock';
}

/** The bell in the header: unread count (polled every 60 s), the latest notifications, mark all read. */
export function NotificationBell() {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const [open, setOpen] = useState(false);
  const list = useNotifications();
  const markRead = useMarkRead();
  const unread = list.data?.unread ?? 0;
  const items = list.data?.items ?? [];

  const content = (
    <div style={{ width: 360 }} data-testid="notification-panel">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }}>
        <Typography.Text strong>{t('notifications.title')}</Typography.Text>
        <Button
          size="small"
          type="link"
          disabled={unread === 0}
          loading={markRead.isPending}
          onClick={() => markRead.mutate({ all: true })}
          data-testid="notification-read-all"
        >
          {t('notifications.markAllRead')}
        </Button>
      </Space>
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
      ) : (
        <List
          size="small"
          dataSource={items}
          style={{ maxHeight: 420, overflowY: 'auto' }}
          renderItem={(n) => {
            const to = linkOf(n);
            return (
              <List.Item
                key={n.id}
                style={{ background: n.read ? undefined : token.colorPrimaryBg, paddingInline: 8, alignItems: 'flex-start' }}
                data-testid="notification-item"
                data-read={n.read ? 'true' : 'false'}
              >
                <Space orientation="vertical" size={2} style={{ width: '100%' }}>
                  <Space size={6}>
                    <Tag color={LEVEL_COLOR[n.level] ?? 'default'} style={{ marginInlineEnd: 0 }}>
                      {n.resolved ? t('notifications.resolved') : '●'}
                    </Tag>
                    <Typography.Text strong={!n.read}>{n.title}</Typography.Text>
                    {n.personal ? (
                      <Tag color="purple" style={{ marginInlineEnd: 0 }} data-testid="notification-personal">
                        {t('notifyMail.bell.forYou')}
                      </Tag>
                    ) : null}
                  </Space>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {n.body}
                  </Typography.Text>
                  <Space size={12}>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatDateTime(n.createdAt)}
                    </Typography.Text>
                    {to ? (
                      <Link
                        to={to}
                        onClick={() => {
                          setOpen(false);
                          if (!n.read) markRead.mutate({ ids: [n.id] });
                        }}
                        style={{ fontSize: 12 }}
                      >
                        {t(linkLabel(n))}
                      </Link>
                    ) : null}
                  </Space>
                </Space>
              </List.Item>
            );
          }}
        />
      )}
    </div>
  );

  return (
    <Popover content={content} trigger="click" placement="bottomRight" open={open} onOpenChange={setOpen}>
      <Badge count={unread} size="small" overflowCount={99}>
        <Button
          type="text"
          icon={<BellOutlined />}
          aria-label={unread ? t('notifications.unreadCount', { count: unread }) : t('notifications.title')}
          data-testid="notification-bell"
        />
      </Badge>
    </Popover>
  );
}
