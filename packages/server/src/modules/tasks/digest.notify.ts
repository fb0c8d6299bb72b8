/**
 * The per-user morning digest in the bell and by email (issue 15 §4): each active member's open
 * tasks (overdue and due today counted), today's self-check items still to tick, and the open
 * diagnosis findings assigned to them — one notification for that user (a recipient, not everyone),
 * raised once per user per business day: its once-key `digest:<user>:<day>` is unique, so a second
 * run, or two running at once, raise nothing more. The email goes out when the user opted in (off
 * by default; 个人设置 → 邮件提醒), through the notifications' outbox and its job. A member with
 * nothing open gets no digest that day. The 今日自查 page keeps showing the live digest (targets'
 * `/digest`); this is the morning's snapshot of it, pushed.
 */
import { businessDay, DEFAULT_TIMEZONE, type ChecklistDay, type Finding, type TaskDto } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { can, type Actor } from '../../http/actor.js';
import * as auth from '../auth/index.js';
import * as diagnosis from '../diagnosis/index.js';
import * as notifications from '../notifications/index.js';
import * as shops from '../shops/index.js';
import * as users from '../users/index.js';
import { checklistDay } from './checklists.service.js';
import { openTasksOf } from './tasks.service.js';
import { repeatInBackground, type RepeatOptions } from '../../lib/timer.js';

export interface UserDigest {
  day: string;
  tasks: { open: number; overdue: number; dueToday: number; top: TaskDto[] };
  checks: { done: number; total: number; pending: string[] } | null;
  findings: { total: number; top: Finding[] };
}

/** What the morning digest says to one user (read with their own permissions and shops). */
export async function userDigest(db: Kysely<DB>, actor: Actor, day: string): Promise<UserDigest> {
  const open = await openTasksOf(db, actor, actor.userId, 5);
  const checks: ChecklistDay | null = can(actor, 'tasks.read') ? await checklistDay(db, actor, day) : null;
  const findings = can(actor, 'analytics.read') ? await diagnosis.openFindingsOf(db, actor, actor.userId, 5) : { total: 0, items: [] };
  return {
    day,
    tasks: { open: open.total, overdue: open.overdue, dueToday: open.items.filter((t) => t.dueOn === day).length, top: open.items },
    checks: checks ? { done: checks.done, total: checks.total, pending: checks.items.filter((i) => !i.done).map((i) => i.title) } : null,
    findings: { total: findings.total, top: findings.items },
  };
}

const isEmpty = (d: UserDigest) => d.tasks.open === 0 && (d.checks?.pending.length ?? 0) === 0 && d.findings.total === 0;

/** The digest as a notification's title and text (the same text is the email's body). */
export function digestText(d: UserDigest, name: string): { title: string; body: string; text: string } {
  const parts = [`待办 ${d.tasks.open} 项${d.tasks.overdue ? `（逾期 ${d.tasks.overdue}）` : ''}`];
  if (d.checks) parts.push(`自查 ${d.checks.done}/${d.checks.total}`);
  if (d.findings.total) parts.push(`诊断待处理 ${d.findings.total} 个`);
  const title = `早报 ${d.day}：${parts.join('，')}`;
  const lines: string[] = [`${name}，早上好。今天（${d.day}）要做的：`, ''];
  if (d.tasks.open) {
    lines.push(`【我的待办】共 ${d.tasks.open} 项，逾期 ${d.tasks.overdue} 项，今天到期 ${d.tasks.dueToday} 项`);
    for (const t of d.tasks.top) lines.push(`- ${t.title}${t.dueOn ? `（${t.overdue ? '已逾期，' : ''}截止 ${t.dueOn}）` : ''}`);
    if (d.tasks.open > d.tasks.top.length) lines.push(`- …… 另有 ${d.tasks.open - d.tasks.top.length} 项，见 团队协作 → 任务`);
    lines.push('');
  }
  if (d.checks?.pending.length) {
    lines.push(`【今日自查】还有 ${d.checks.pending.length} 项未勾（已完成 ${d.checks.done}/${d.checks.total}）`);
    for (const p of d.checks.pending.slice(0, 8)) lines.push(`- ${p}`);
    if (d.checks.pending.length > 8) lines.push(`- …… 另有 ${d.checks.pending.length - 8} 项，见 今日自查`);
    lines.push('');
  }
  if (d.findings.total) {
    lines.push(`【指派给我的诊断】${d.findings.total} 个未处理`);
    for (const f of d.findings.top) lines.push(`- ${f.shopName}：${f.summary}`);
    lines.push('');
  }
  const body = [
    d.tasks.open ? `待办 ${d.tasks.open} 项（今天到期 ${d.tasks.dueToday}，逾期 ${d.tasks.overdue}）` : '',
    d.checks?.pending.length ? `自查还有 ${d.checks.pending.length} 项未勾` : '',
    d.findings.total ? `指派给你的诊断 ${d.findings.total} 个：${d.findings.top[0]?.summary ?? ''}` : '',
  ]
    .filter(Boolean)
    .join('；');
  lines.push('——', '早报每天一封。不想收到早报邮件？在运营台 个人设置 → 邮件提醒 中关闭。');
  return { title, body: `${body}。`, text: lines.join('\n') };
}

/**
 * Raise the day's digest for every active member of the organisation who has none yet (and has
 * something open). Idempotent: run it as often as you like. Returns the users given one this time.
 */
export async function raiseMorningDigests(
  db: Kysely<DB>,
  orgId: string,
  now = Date.now(),
  tz = DEFAULT_TIMEZONE,
): Promise<{ day: string; raised: string[]; empty: number }> {
  const day = businessDay(now, tz);
  const raised: string[] = [];
  let empty = 0;
  for (const m of await users.activeMembers(db, orgId)) {
    const onceKey = `digest:${m.id}:${day}`;
    if (await notifications.raisedOnce(db, orgId, onceKey)) continue;
    const actor = await auth.loadActor(db, m.id, { ip: null, userAgent: null, requestId: `digest:${day}` });
    if (!actor) continue;
    const d = await userDigest(db, actor, day);
    if (isEmpty(d)) {
      empty++;
      continue;
    }
    const { title, body, text } = digestText(d, m.displayName);
    const made = await db.transaction().execute((trx) =>
      notifications.raiseOnce(trx, {
        orgId,
        type: 'digest',
        level: d.tasks.overdue ? 'warning' : 'info',
        title,
        body,
        recipientId: m.id,
        onceKey,
        entityType: 'digest',
        entityId: day,
        email: { subject: title, text },
      }),
    );
    if (made.created) raised.push(m.id);
  }
  return { day, raised, empty };
}

/** The local hour of an instant in a zone. */
function localHour(at: number, tz: string): number {
  return Number(new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', hourCycle: 'h23' }).format(at));
}

/**
 * From `hour` (default 08:00, shop time) each day, raise the morning digests; checked every
 * `intervalMs` (10 minutes). A server started later in the day raises that day's at its first check.
 */
export function startDigestTimer(db: Kysely<DB>, opts: RepeatOptions & { hour?: number } = {}): { stop(): void } {
  const hour = opts.hour ?? 8;
  let doneDay = '';
  return repeatInBackground(
    async () => {
      const now = Date.now();
      const day = businessDay(now, DEFAULT_TIMEZONE);
      if (doneDay === day || localHour(now, DEFAULT_TIMEZONE) < hour) return;
      const orgId = await shops.firstOrgId(db);
      if (orgId) await raiseMorningDigests(db, orgId, now);
      doneDay = day;
    },
    opts,
    { firstMs: 15_000, intervalMs: 10 * 60_000 },
  );
}
