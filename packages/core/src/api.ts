/**
 * Request schemas and response types of the HTTP API, shared by the server (validation and
 * OpenAPI) and the web console (forms and types). Messages are Chinese and say how to fix it.
 */
import { z } from 'zod';
import { ALL_PERMISSIONS } from './permissions.js';
import { ChannelSchema, type Channel } from './shops.js';
import { isValidTimeZone } from './time.js';

export const PASSWORD_MIN_LENGTH = 8;

export const PasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `密码至少 ${PASSWORD_MIN_LENGTH} 位`)
  .max(128, '密码最长 128 位')
  .refine((p) => /[A-Za-z]/.test(p) && /\d/.test(p), '密码须同时包含字母和数字');

export const UsernameSchema = z
  .string()
  .trim()
  .min(2, '用户名至少 2 个字符')
  .max(32, '用户名最长 32 个字符')
  .regex(/^[A-Za-z0-9_.-]+$/, '用户名只能包含字母、数字、下划线、点和短横线');

const PermissionCodeSchema = z.string().refine((c) => (ALL_PERMISSIONS as readonly string[]).includes(c), {
  message: '未知的权限代码',
});

const PhoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9 -]{5,20}$/, '手机号格式不正确')
  .nullable()
  .optional();
const EmailSchema = z.string().trim().email('邮箱格式不正确').nullable().optional();

export const LoginBody = z.object({
  username: z.string().trim().min(1, '请输入用户名'),
  password: z.string().min(1, '请输入密码'),
});

export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1, '请输入当前密码'),
  newPassword: PasswordSchema,
});

export const CreateUserBody = z.object({
  username: UsernameSchema,
  displayName: z.string().trim().min(1, '请输入姓名').max(50, '姓名最长 50 个字符'),
  password: PasswordSchema,
  phone: PhoneSchema,
  email: EmailSchema,
  roleIds: z.array(z.string()).min(1, '至少选择一个角色'),
  shopIds: z.array(z.string()).default([]),
  allShops: z.boolean().default(false),
});

export const UpdateUserBody = z.object({
  displayName: z.string().trim().min(1, '请输入姓名').max(50, '姓名最长 50 个字符').optional(),
  phone: PhoneSchema,
  email: EmailSchema,
  status: z.enum(['active', 'disabled']).optional(),
  roleIds: z.array(z.string()).min(1, '至少选择一个角色').optional(),
  shopIds: z.array(z.string()).optional(),
  allShops: z.boolean().optional(),
});

export const ResetPasswordBody = z.object({ newPassword: PasswordSchema });

export const RoleBody = z.object({
  name: z.string().trim().min(1, '请输入角色名称').max(30, '角色名称最长 30 个字符'),
  description: z.string().trim().max(200, '说明最长 200 个字符').default(''),
  permissions: z.array(PermissionCodeSchema),
});
export const UpdateRoleBody = RoleBody.partial();

const TimeZoneSchema = z.string().refine(isValidTimeZone, '未知的时区，请使用 IANA 名称，如 Asia/Shanghai');

export const CreateShopBody = z.object({
  name: z.string().trim().min(1, '请输入店铺名称').max(60, '店铺名称最长 60 个字符'),
  channel: ChannelSchema,
  timezone: TimeZoneSchema.default('Asia/Shanghai'),
});
export const UpdateShopBody = z.object({
  name: z.string().trim().min(1, '请输入店铺名称').max(60, '店铺名称最长 60 个字符').optional(),
  timezone: TimeZoneSchema.optional(),
  status: z.enum(['active', 'archived']).optional(),
});

export const CreateTokenBody = z.object({
  name: z.string().trim().min(1, '请输入令牌名称').max(60, '令牌名称最长 60 个字符'),
  scopes: z.array(PermissionCodeSchema).min(1, '至少选择一个权限范围'),
  expiresInDays: z.number().int().min(1).max(3650).nullable().default(null),
});

export const PageQuery = z.object({
  // Typed input (query strings arrive as text, the console sends numbers), so z.input is usable.
  page: z.coerce.number<number | string>().int().min(1).default(1),
  pageSize: z.coerce.number<number | string>().int().min(1).max(200, '每页最多 200 条').default(20),
});

/**
 * Lists at a million rows (issue 10): counts stop at COUNT_CAP — a count of COUNT_CAP + 1 means
 * "more than COUNT_CAP" (shown as 10,000+) — and a page after the first may be asked for by the
 * previous page's `nextCursor` (keyset pagination: as fast on page 5,000 as on page 2).
 */
export const COUNT_CAP = 10_000;

/** Whether a list count stopped at the cap (the true figure is larger). */
export function isCappedCount(n: number): boolean {
  return n > COUNT_CAP;
}

/** The opaque position after the previous page's last row (its `nextCursor`). */
export const CursorField = z.string().max(600, '翻页位置（cursor）过长，请回到第一页重新翻页').optional();

export const AuditQuery = PageQuery.extend({
  cursor: CursorField,
  action: z.string().optional(),
  actor: z.string().optional(),
  entityType: z.string().optional(),
  entityId: z.string().optional(),
  shopId: z.string().optional(),
  from: z.coerce.number<number | string>().int().optional(),
  to: z.coerce.number<number | string>().int().optional(),
});

export const UserListQuery = PageQuery.extend({ q: z.string().optional() });

// ---- request types: `…Request` is what the console sends (z.input), `…Input` what a service gets (z.output) ----

export type LoginRequest = z.input<typeof LoginBody>;
export type LoginInput = z.output<typeof LoginBody>;
export type ChangePasswordRequest = z.input<typeof ChangePasswordBody>;
export type ChangePasswordInput = z.output<typeof ChangePasswordBody>;
export type CreateUserRequest = z.input<typeof CreateUserBody>;
export type CreateUserInput = z.output<typeof CreateUserBody>;
export type UpdateUserRequest = z.input<typeof UpdateUserBody>;
export type UpdateUserInput = z.output<typeof UpdateUserBody>;
export type ResetPasswordRequest = z.input<typeof ResetPasswordBody>;
export type UserListRequest = z.input<typeof UserListQuery>;
export type UserListFilter = z.output<typeof UserListQuery>;
export type RoleRequest = z.input<typeof RoleBody>;
export type RoleInput = z.output<typeof RoleBody>;
export type UpdateRoleRequest = z.input<typeof UpdateRoleBody>;
export type UpdateRoleInput = z.output<typeof UpdateRoleBody>;
export type CreateShopRequest = z.input<typeof CreateShopBody>;
export type CreateShopInput = z.output<typeof CreateShopBody>;
export type UpdateShopRequest = z.input<typeof UpdateShopBody>;
export type UpdateShopInput = z.output<typeof UpdateShopBody>;
export type CreateTokenRequest = z.input<typeof CreateTokenBody>;
export type CreateTokenInput = z.output<typeof CreateTokenBody>;
export type AuditRequest = z.input<typeof AuditQuery>;
export type AuditFilter = z.output<typeof AuditQuery>;

// ---- response shapes ----

export interface RoleRef {
  id: string;
  code: string | null;
  name: string;
}

export interface Me {
  id: string;
  username: string;
  displayName: string;
  roles: RoleRef[];
  permissions: string[];
  allShops: boolean;
  /** The colour of a rise in changes (a personal preference; red by default, the Chinese convention). */
  riseColor: 'red' | 'green';
}

export interface Shop {
  id: string;
  name: string;
  channel: Channel;
  timezone: string;
  status: 'active' | 'archived';
  /** Loaded by the demo-shop simulator (and deletable as a whole). */
  isDemo: boolean;
  createdAt: number;
}

export interface MeResponse {
  user: Me;
  shops: Shop[];
  csrfToken: string;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  phone: string | null;
  email: string | null;
  status: 'active' | 'disabled';
  roles: RoleRef[];
  shopIds: string[];
  allShops: boolean;
  lastLoginAt: number | null;
  createdAt: number;
}

export interface Role {
  id: string;
  code: string | null;
  name: string;
  description: string;
  builtin: boolean;
  permissions: string[];
  userCount: number;
}

export interface ApiTokenInfo {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface AuditEntry {
  id: string;
  at: number;
  actorId: string | null;
  actorName: string;
  action: string;
  entityType: string;
  entityId: string | null;
  shopId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  requestId: string | null;
}

export interface Page<T> {
  items: T[];
  /** Exact up to COUNT_CAP on the lists that cap their counts; COUNT_CAP + 1 means more (see `totalCapped`). */
  total: number;
  page: number;
  pageSize: number;
  /** The count stopped at COUNT_CAP: there are more than COUNT_CAP rows (lists at a million rows). */
  totalCapped?: boolean;
  /** Pass as `cursor` (with page + 1) for the next page; null on the last page. Keyset-paged lists only. */
  nextCursor?: string | null;
}
