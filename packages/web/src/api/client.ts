/**
 * The one way the console talks to the server: JSON over fetch with the session cookie, the CSRF
 * token on writes, and problem+json errors turned into `ApiError`.
 */
import i18n from '../i18n';

export const API_BASE = '/api/v1';

export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors: FieldError[];
  readonly requestId: string | undefined;
  constructor(init: { status: number; code: string; detail: string; errors?: FieldError[]; requestId?: string }) {
    super(init.detail);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.errors = init.errors ?? [];
    this.requestId = init.requestId;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** The text to show the user for any error thrown by a request. */
export function errorDetail(e: unknown): string {
  if (isApiError(e)) return e.detail;
  if (e instanceof Error && e.message) return e.message;
  return i18n.t('errors.loadFailed');
}

// ---- CSRF token: kept in memory only, taken from login and GET /auth/me ----
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

// ---- what to do when the session is gone on a non-auth call ----
let unauthorizedHandler: (() => void) | null = null;
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  unauthorizedHandler = fn;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
}

export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function isProblem(
  x: unknown,
): x is { status?: number; code?: string; detail?: string; title?: string; errors?: unknown; requestId?: string } {
  return typeof x === 'object' && x !== null;
}

function parseFieldErrors(x: unknown): FieldError[] {
  if (!Array.isArray(x)) return [];
  return x
    .filter((e): e is { path: unknown; message: unknown } => typeof e === 'object' && e !== null)
    .map((e) => ({
      path: Array.isArray(e.path) ? e.path.join('.') : String(e.path ?? ''),
      message: String(e.message ?? ''),
    }));
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  const init: RequestInit = { method, credentials: 'include', headers };
  if (opts.signal) init.signal = opts.signal;
  if (opts.body instanceof FormData) {
    // multipart: the browser sets the content type with its boundary
    init.body = opts.body;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}${buildQuery(opts.query)}`, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError({ status: 0, code: 'network', detail: i18n.t('errors.network') });
  }

  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }

  if (!res.ok) {
    const p = isProblem(data) ? data : {};
    const err = new ApiError({
      status: res.status,
      code: typeof p.code === 'string' ? p.code : 'http_error',
      detail:
        typeof p.detail === 'string' && p.detail
          ? p.detail
          : typeof p.title === 'string' && p.title
            ? p.title
            : i18n.t('errors.http', { status: res.status }),
      errors: parseFieldErrors(p.errors),
      ...(typeof p.requestId === 'string' ? { requestId: p.requestId } : {}),
    });
    if (res.status === 401 && !path.startsWith('/auth/') && unauthorizedHandler) unauthorizedHandler();
    throw err;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal) =>
    request<T>('GET', path, { ...(query ? { query } : {}), ...(signal ? { signal } : {}) }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body === undefined ? {} : { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
  /** Upload files (multipart/form-data) with the CSRF header; errors as for JSON calls. */
  upload: <T>(path: string, form: FormData) => request<T>('POST', path, { body: form }),
};

/** A URL for a file the browser downloads itself (exports, error reports): same origin, cookie sent. */
export function downloadUrl(path: string, query?: Record<string, QueryValue>): string {
  return `${API_BASE}${path}${buildQuery(query)}`;
}
