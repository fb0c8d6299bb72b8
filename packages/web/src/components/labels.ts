/**
 * The one label helper of the console: enum values (statuses, channels, types, permissions,
 * seeded roles, traffic sources…) shown in the current language. Values whose labels live in
 * `@yunying/core` are picked from there; values from the server whose labels are i18n texts go
 * through `of` (a closed enum the page itself lists may use `t(`group.${v}`)` directly).
 * An unknown value shows as itself.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  AFTERSALE_STATUS_LABELS,
  AFTERSALE_TYPE_LABELS,
  CHANNEL_LABELS,
  DEFAULT_SOURCES,
  ORDER_STATUS_LABELS,
  PERMISSION_GROUPS,
  RESPONSIBILITY_LABELS,
  SEED_ROLES,
  SOURCE_GROUPS,
} from '@yunying/core';

interface Bilingual {
  zh: string;
  en: string;
}

const PERMISSION_INDEX = new Map<string, Bilingual>(
  PERMISSION_GROUPS.flatMap((g) => g.permissions.map((p) => [p.code, { zh: p.zh, en: p.en }] as const)),
);
const SOURCE_GROUP_INDEX = new Map<string, Bilingual>(SOURCE_GROUPS.map((g) => [g.code, g]));
const SOURCE_INDEX = new Map<string, Bilingual>(DEFAULT_SOURCES.map((s) => [s.code, s]));

function lookup(table: Readonly<Record<string, Bilingual>>, value: string): Bilingual | undefined {
  return Object.prototype.hasOwnProperty.call(table, value) ? table[value] : undefined;
}

export interface Labels {
  isZh: boolean;
  /** A `{ zh, en }` text from core data (permission groups, import fields…) in the current language. */
  text: (l: Bilingual) => string;
  /** An enum value whose labels are i18n texts under `group`: `of('inventory.types', 'in')`. */
  of: (group: string, value: string) => string;
  permission: (code: string) => string;
  channel: (c: string) => string;
  /** A role's name; a seeded role whose name was not changed shows in the current language. */
  role: (r: { code: string | null; name: string }) => string;
  orderStatus: (s: string) => string;
  aftersaleType: (s: string) => string;
  aftersaleStatus: (s: string) => string;
  responsibility: (s: string) => string;
  /** A built-in traffic group / source by code; a custom one keeps its own name (`fallback`). */
  sourceGroup: (code: string, fallback?: string) => string;
  source: (code: string, fallback?: string) => string;
  auditAction: (action: string) => string;
  entityType: (type: string) => string;
}

export function useLabels(): Labels {
  const { t, i18n } = useTranslation();
  const isZh = i18n.language !== 'en';
  return useMemo(() => {
    const text = (l: Bilingual) => (isZh ? l.zh : l.en);
    const pick = (l: Bilingual | undefined, fallback: string) => (l ? text(l) : fallback);
    const of = (group: string, value: string) => {
      const key = `${group}.${value}`;
      return i18n.exists(key) ? t(key) : value;
    };
    return {
      isZh,
      text,
      of,
      permission: (code) => pick(PERMISSION_INDEX.get(code), code),
      channel: (c) => pick(lookup(CHANNEL_LABELS, c), c),
      role: (r) => {
        const seed = r.code ? SEED_ROLES.find((s) => s.code === r.code) : undefined;
        if (seed && (r.name === seed.zh || r.name === seed.en)) return text(seed);
        return r.name;
      },
      orderStatus: (s) => pick(lookup(ORDER_STATUS_LABELS, s), s),
      aftersaleType: (s) => pick(lookup(AFTERSALE_TYPE_LABELS, s), s),
      aftersaleStatus: (s) => pick(lookup(AFTERSALE_STATUS_LABELS, s), s),
      responsibility: (s) => pick(lookup(RESPONSIBILITY_LABELS, s), s),
      sourceGroup: (code, fallback) => pick(SOURCE_GROUP_INDEX.get(code), fallback ?? code),
      source: (code, fallback) => pick(SOURCE_INDEX.get(code), fallback ?? code),
      auditAction: (action) => of('audit.actions', action),
      entityType: (type) => of('audit.entityTypes', type),
    };
  }, [isZh, t, i18n]);
}
