/**
 * Control characters in user text. PostgreSQL refuses U+0000 in text outright (SQLite stores it),
 * and the other C0 controls are invisible in every screen and export. So text with any of them is
 * refused at the edge — HTTP bodies, query strings and path parameters, import rows — the same on
 * both databases. Tab, line feed and carriage return are ordinary text and stay allowed.
 */

// eslint-disable-next-line no-control-regex
const CONTROL_CHAR_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS_G = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Whether `s` holds a control character other than \t, \n, \r. */
export function hasControlChar(s: string): boolean {
  return CONTROL_CHAR_RE.test(s);
}

/** `s` with each control character written out as `\u0000`, so a message can show where it is. */
export function showControlChars(s: string): string {
  return s.replace(CONTROL_CHARS_G, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The first control character of `s` as `\u0000`, or null. */
export function firstControlChar(s: string): string | null {
  const m = CONTROL_CHAR_RE.exec(s);
  return m ? showControlChars(m[0]) : null;
}

/** The message for a field holding a control character (`where` names the field or column). */
export function controlCharMessage(where: string, example = '\\u0000'): string {
  return `${where} 含有不可见的控制字符（如 ${example}），请删除后重试`;
}

/**
 * The first cell of an import row, among the columns the import reads, that holds a control
 * character, as the row's error (the importers report it on its row instead of storing it).
 */
export function controlCharCell(
  cells: readonly string[],
  columns: Partial<Record<string, number>>,
  nameOf: (field: string) => string,
): { column: string; value: string; reason: string } | null {
  for (const [field, i] of Object.entries(columns)) {
    const v = i === undefined ? undefined : cells[i];
    if (v === undefined || !hasControlChar(v)) continue;
    return {
      column: nameOf(field),
      value: showControlChars(v.length > 200 ? `${v.slice(0, 200)}…` : v),
      reason: `含有不可见的控制字符（如 ${firstControlChar(v)}），这一行未导入：请在表格中删除该字符后重新导入`,
    };
  }
  return null;
}
