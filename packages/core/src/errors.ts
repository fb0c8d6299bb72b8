/** The one error type of the system: a code from a closed set, a Chinese message, details. */
export const ERROR_CODES = [
  'validation_failed',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'invalid_state',
  'rate_limited',
  'payload_too_large',
  /** Well-formed but cannot be processed as sent, e.g. an Idempotency-Key reused with another body (422). */
  'unprocessable',
  /** The storage cannot take the request now (disk full, read-only file, database restarting): 503. */
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ERROR_STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_state: 409,
  rate_limited: 429,
  payload_too_large: 413,
  unprocessable: 422,
  unavailable: 503,
  internal: 500,
};

export const ERROR_TITLES: Record<ErrorCode, string> = {
  validation_failed: '输入有误',
  unauthenticated: '需要登录',
  forbidden: '没有权限',
  not_found: '未找到',
  conflict: '冲突',
  invalid_state: '状态不允许此操作',
  rate_limited: '操作过于频繁',
  payload_too_large: '请求体过大',
  unprocessable: '请求无法处理',
  unavailable: '服务暂不可用',
  internal: '服务器内部错误',
};

export interface FieldError {
  /** Dotted path of the field, e.g. `roleIds.0` or `username`. */
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly fieldErrors: FieldError[] | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, fieldErrors?: FieldError[]) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.fieldErrors = fieldErrors;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** The problem+json body (RFC 9457) every error response has. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  errors?: FieldError[];
  requestId?: string;
  [extra: string]: unknown;
}
