import { Typography, theme } from 'antd';
import { useTranslation } from 'react-i18next';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pretty(v: unknown): string {
  return JSON.stringify(v, null, 2) ?? String(v);
}

/** Top-level keys whose values differ between `before` and `after` (both objects). */
export function changedKeys(before: unknown, after: unknown): string[] {
  const b = isPlainObject(before) ? before : {};
  const a = isPlainObject(after) ? after : {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
}

/** Before and after side by side, aligned by key, with the changed keys highlighted. */
export function AuditDiff({ before, after }: { before: unknown; after: unknown }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const cell = {
    margin: 0,
    padding: '2px 8px',
    fontFamily: token.fontFamilyCode,
    fontSize: 12,
    whiteSpace: 'pre-wrap' as const,
    wordBreak: 'break-all' as const,
  };
  const removedBg = token.colorErrorBg;
  const addedBg = token.colorSuccessBg;

  const header = (
    <>
      <Typography.Text strong>{t('audit.before')}</Typography.Text>
      <Typography.Text strong>{t('audit.after')}</Typography.Text>
    </>
  );

  const objects = (isPlainObject(before) || before == null) && (isPlainObject(after) || after == null);
  if (!objects) {
    const differs = JSON.stringify(before) !== JSON.stringify(after);
    return (
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 8 }} data-testid="audit-diff">
        {header}
        <pre style={{ ...cell, background: differs ? removedBg : undefined }}>{before == null ? t('audit.noData') : pretty(before)}</pre>
        <pre style={{ ...cell, background: differs ? addedBg : undefined }}>{after == null ? t('audit.noData') : pretty(after)}</pre>
      </div>
    );
  }

  const b = isPlainObject(before) ? before : null;
  const a = isPlainObject(after) ? after : null;
  const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])];
  const changed = new Set(changedKeys(before, after));
  const line = (obj: Record<string, unknown> | null, key: string) => (obj && key in obj ? `"${key}": ${pretty(obj[key])}` : '');

  return (
    <div data-testid="audit-diff">
      {changed.size > 0 && b && a ? (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {t('audit.changedKeys', { keys: [...changed].join(', ') })}
        </Typography.Paragraph>
      ) : null}
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', columnGap: 8, rowGap: 0 }}>
        {header}
        {b === null || a === null ? (
          <>
            <pre style={cell}>{b === null ? t('audit.noData') : ''}</pre>
            <pre style={cell}>{a === null ? t('audit.noData') : ''}</pre>
          </>
        ) : null}
        {keys.map((k) => {
          const isChanged = changed.has(k);
          return (
            <div key={k} style={{ display: 'contents' }}>
              <pre
                style={{ ...cell, background: isChanged && b && k in b ? removedBg : undefined }}
                data-changed={isChanged ? 'true' : undefined}
              >
                {line(b, k)}
              </pre>
              <pre
                style={{ ...cell, background: isChanged && a && k in a ? addedBg : undefined }}
                data-changed={isChanged ? 'true' : undefined}
              >
                {line(a, k)}
              </pre>
            </div>
          );
        })}
      </div>
    </div>
  );
}
