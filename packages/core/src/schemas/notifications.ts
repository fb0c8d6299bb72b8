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
}
