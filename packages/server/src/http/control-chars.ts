/**
 * Refuse control characters at the edge: any string — or object key — in a request's JSON body,
 * query string or path parameters holding a C0 control character other than tab, line feed and
 * carriage return (or DEL) is answered 400 `validation_failed`, naming the field. PostgreSQL
 * cannot store U+0000 at all (it answered 500) while SQLite stored it, so without this the same
 * request behaved differently per database; now it is refused on both before any handler runs.
 * Multipart uploads are checked where their fields are read (imports: per row of the file).
 */
import { AppError, controlCharMessage, firstControlChar, showControlChars, type FieldError } from '@yunying/core';
import type { AppInstance } from './types.js';

export interface ControlCharHit {
  /** Dotted path of the string (`lines.2.title`), or of the object key, holding it. */
  path: string;
  /** The first such character, written as `\u0000`. */
  char: string;
}

/** The first string or key under `value` holding a control character (iterative: any depth). */
export function findControlChar(value: unknown, root = ''): ControlCharHit | null {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const ch = firstControlChar(v);
      if (ch) return { path, char: ch };
      continue;
    }
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue;
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v as Record<string, unknown>);
    // Pushed in reverse so the first field in document order is reported first.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, x] = entries[i]!;
      const p = path ? `${path}.${k}` : k;
      const kc = firstControlChar(k);
      if (kc) return { path: showControlChars(p), char: kc };
      stack.push([x, p]);
    }
  }
  return null;
}

const WHERE = { body: '字段', query: '查询参数', params: '路径参数' } as const;

export function installControlCharGuard(app: AppInstance): void {
  app.addHook('preValidation', async (req) => {
    for (const part of ['params', 'query', 'body'] as const) {
      const hit = findControlChar(req[part]);
      if (!hit) continue;
      const name = hit.path || (part === 'body' ? '请求体' : part);
      const message = controlCharMessage(`${WHERE[part]} ${name}`, hit.char);
      const errors: FieldError[] = [{ path: hit.path || part, message: controlCharMessage('此项', hit.char) }];
      throw new AppError('validation_failed', message, { in: part, field: hit.path, char: hit.char }, errors);
    }
  });
}
