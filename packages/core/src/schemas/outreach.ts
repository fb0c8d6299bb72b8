/**
 * Outreach (触达, issue 11 §5): campaigns to a saved segment by email or SMS, the sending settings,
 * and the message templates' variables — stated once.
 */
import { z } from 'zod';
import { PageQuery } from '../api.js';

/** Template variables and what they become. */
export const TEMPLATE_VARIABLES = ['昵称', '姓名', '店铺', '优惠券', '退订链接'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** The variables a template uses that are not known ({{…}} spelled wrong). */
export function unknownVariables(template: string): string[] {
  const out = new Set<string>();
  for (const m of template.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g))
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(m[1]!)) out.add(m[1]!);
  return [...out];
}

/** Fill a template's {{变量}} (unknown ones stay as written). */
export function renderTemplate(template: string, vars: Partial<Record<TemplateVariable, string>>): string {
  return template.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (all, name: string) =>
    (TEMPLATE_VARIABLES as readonly string[]).includes(name) ? (vars[name as TemplateVariable] ?? '') : all,
  );
}

const templateText = (label: string, max: number) =>
  z
    .string({ message: `请填写${label}` })
    .trim()
    .min(1, `请填写${label}`)
    .max(max, `${label}最长 ${max} 个字符`)
    .refine((s) => unknownVariables(s).length === 0, {
      message: `${label}中有不认识的变量，可用的变量：${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(' ')}`,
    });

export const OUTREACH_CHANNELS = ['email', 'sms'] as const;
export type OutreachChannel = (typeof OUTREACH_CHANNELS)[number];

export const CampaignBody = z
  .object({
    segmentId: z.string({ message: '请选择客户分群' }).min(1, '请选择客户分群').max(64),
    channel: z.enum(OUTREACH_CHANNELS, { message: '渠道应为 email（邮件）或 sms（短信）' }),
    /** Email subject (SMS: ignored). */
    subject: z.string().trim().max(200, '邮件标题最长 200 个字符').default(''),
    body: templateText('内容', 5000),
    coupon: z.string().trim().max(100, '优惠券最长 100 个字符').default(''),
  })
  .superRefine((b, ctx) => {
    if (b.channel === 'email' && !b.subject) ctx.addIssue({ code: 'custom', path: ['subject'], message: '请填写邮件标题' });
    if (b.channel === 'email' && unknownVariables(b.subject).length)
      ctx.addIssue({ code: 'custom', path: ['subject'], message: `邮件标题中有不认识的变量：${unknownVariables(b.subject).join('、')}` });
    if (b.channel === 'sms' && b.body.length > 300) ctx.addIssue({ code: 'custom', path: ['body'], message: '短信内容最长 300 个字符' });
  });
export type CampaignInput = z.output<typeof CampaignBody>;
export type CampaignRequest = z.input<typeof CampaignBody>;

export const OutreachSettingsBody = z.object({
  smtpHost: z.string().trim().max(200).default(''),
  smtpPort: z.number().int('端口应为整数').min(1, '端口应在 1–65535 之间').max(65535, '端口应在 1–65535 之间').default(25),
  smtpSecure: z.boolean().default(false),
  smtpUser: z.string().trim().max(200).default(''),
  /** Empty keeps the saved password. */
  smtpPass: z.string().max(200).optional(),
  mailFrom: z
    .string()
    .trim()
    .max(200)
    .refine((s) => s === '' || /[^\s@<]+@[^\s@>]+\.[^\s@>]+/.test(s), '发件人格式不正确，例如 店铺 <shop@example.com>')
    .default(''),
  smsProvider: z.enum(['log', 'http'], { message: '短信通道应为 log（开发：写入日志）或 http（短信网关）' }).default('log'),
  smsUrl: z
    .string()
    .trim()
    .max(500)
    .refine((s) => s === '' || /^https?:\/\//.test(s), '短信网关地址应以 http:// 或 https:// 开头')
    .default(''),
  /** Empty keeps the saved token. */
  smsToken: z.string().max(200).optional(),
  hourlyLimit: z.number().int().min(1, '每小时上限至少 1 条').max(100_000, '每小时上限最多 100000 条').default(500),
  publicUrl: z
    .string()
    .trim()
    .max(300)
    .refine((s) => s === '' || /^https?:\/\//.test(s), '控制台地址应以 http:// 或 https:// 开头')
    .default(''),
});
export type OutreachSettingsInput = z.output<typeof OutreachSettingsBody>;
export type OutreachSettingsRequest = z.input<typeof OutreachSettingsBody>;

export const CampaignIdParams = z.object({ id: z.string().min(1).max(64) });
export const CampaignListQuery = PageQuery.extend({ shopId: z.string().max(64).optional() });
export const MESSAGE_STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped', 'unknown'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export const MessageListQuery = PageQuery.extend({ status: z.enum(MESSAGE_STATUSES).optional() });
export const UnsubscribeBody = z.object({
  address: z.string({ message: '请填写邮箱或手机号' }).trim().min(3, '请填写邮箱或手机号').max(200),
  reason: z.string().trim().max(200).default('手动加入勿扰名单'),
});
