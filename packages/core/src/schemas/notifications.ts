/**
 * The notifications API contract (the bell in the console header): route validation and OpenAPI,
 * the service's input types and the console's request types come from these schemas.
 */
import { z } from 'zod';
import { PageQuery } from '../api.js';

/** A query-string flag: true/false or 1/0. */
const QueryFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();

export const NotificationListQuery = PageQuery.extend({ unreadOnly: QueryFlag, open: QueryFlag });
export type NotificationListRequest = z.input<typeof NotificationListQuery>;
export type NotificationListFilter = z.output<typeof NotificationListQuery>;

/** Mark the given notifications read, or all of them (the route requires one of the two). */
export const MarkReadBody = z.object({ ids: z.array(z.string()).max(500, '一次最多 500 条').optional(), all: z.boolean().optional() });
export type MarkReadRequest = z.input<typeof MarkReadBody>;

export type NotificationLevel = 'info' | 'warning' | 'error';

/** One notification as the API returns it. */
export interface NotificationDto {
  id: string;
  shopId: string | null;
  type: string;
  level: NotificationLevel;
  title: string;
  body: string;
  entityType: string | null;
  entityId: string | null;
  resolved: boolean;
  read: boolean;
  createdAt: number;
  /** For this user only (their morning digest), not for everyone with the permission. */
  personal: boolean;
}

/** Notification kinds that may also go out by email, each a per-user opt-in. */
export const NOTIFICATION_EMAIL_KINDS = ['review_negative', 'digest'] as const;
export type NotificationEmailKind = (typeof NOTIFICATION_EMAIL_KINDS)[number];

/** Switch the email of some kinds on or off for oneself. */
export const EmailPrefsBody = z.object({
  prefs: z
    .array(
      z.object({
        kind: z.enum(NOTIFICATION_EMAIL_KINDS, { message: '邮件提醒类型应为 review_negative（中差评）或 digest（早报）' }),
        enabled: z.boolean(),
      }),
    )
    .min(1, '请至少选择一种邮件提醒')
    .max(NOTIFICATION_EMAIL_KINDS.length),
});
export type EmailPrefsRequest = z.input<typeof EmailPrefsBody>;

/** A user's notification-email settings as the console shows them (账号设置). */
export interface EmailPrefsDto {
  /** The account's email ('' when none: nothing is sent). */
  email: string;
  /** The organisation has SMTP set up (触达 → 发送设置). */
  smtpConfigured: boolean;
  prefs: {
    kind: NotificationEmailKind;
    enabled: boolean;
    /** The user may see notifications of this kind (中差评 needs reviews.read). */
    available: boolean;
  }[];
}

/** One notification email as its recipient sees it (account settings: the latest few and their state). */
export interface NotificationEmailDto {
  id: string;
  kind: NotificationEmailKind;
  subject: string;
  address: string;
  /** unknown = 状态不明: the send was cut off; the server may have it, so it is never sent again. */
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'unknown';
  attempts: number;
  error: string;
  sentAt: number | null;
  createdAt: number;
}
