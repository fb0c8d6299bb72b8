/** Labels that come from `@yunying/core` data (permissions, channels, seeded roles), per language. */
import { useTranslation } from 'react-i18next';
import { CHANNEL_LABELS, PERMISSION_GROUPS, SEED_ROLES, type Channel } from '@yunying/core';

const PERMISSION_INDEX = new Map<string, { zh: string; en: string }>(
  PERMISSION_GROUPS.flatMap((g) => g.permissions.map((p) => [p.code, { zh: p.zh, en: p.en }] as const)),
);

export interface Labels {
  isZh: boolean;
  permission: (code: string) => string;
  group: (g: { zh: string; en: string }) => string;
  channel: (c: string) => string;
  /** A role's name; a seeded role whose name was not changed shows in the current language. */
  role: (r: { code: string | null; name: string }) => string;
  auditAction: (action: string) => string;
  entityType: (type: string) => string;
}

export function useLabels(): Labels {
  const { t, i18n } = useTranslation();
  const isZh = i18n.language !== 'en';
  const pick = (l: { zh: string; en: string }) => (isZh ? l.zh : l.en);
  return {
    isZh,
    permission: (code) => {
      const l = PERMISSION_INDEX.get(code);
      return l ? pick(l) : code;
    },
    group: pick,
    channel: (c) => {
      const l = (CHANNEL_LABELS as Record<string, { zh: string; en: string } | undefined>)[c as Channel];
      return l ? pick(l) : c;
    },
    role: (r) => {
      const seed = r.code ? SEED_ROLES.find((s) => s.code === r.code) : undefined;
      if (seed && (r.name === seed.zh || r.name === seed.en)) return pick(seed);
      return r.name;
    },
    auditAction: (action) => {
      const key = `audit.actions.${action}`;
      return i18n.exists(key) ? t(key) : action;
    },
    entityType: (type) => {
      const key = `audit.entityTypes.${type}`;
      return i18n.exists(key) ? t(key) : type;
    },
  };
}
