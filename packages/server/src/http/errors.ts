import { AppError, ERROR_STATUS, ERROR_TITLES, type ErrorCode, type FieldError, type Problem } from '@yunying/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

function problem(
  code: ErrorCode,
  detail: string,
  req: FastifyRequest,
  extra: { errors?: FieldError[]; details?: Record<string, unknown> } = {},
): Problem {
  return {
    type: `https://yunying.dev/problems/${code}`,
    title: ERROR_TITLES[code],
    status: ERROR_STATUS[code],
    code,
    detail,
    ...(extra.errors?.length ? { errors: extra.errors } : {}),
    ...(extra.details ? { details: extra.details } : {}),
    requestId: req.id,
  };
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type('application/problem+json; charset=utf-8').send(body);
}

const FIELD_NAMES: Record<string, string> = {};

/** Limits of a multipart upload (each upload route sets its own: @fastify/multipart `limits`). */
const UPLOAD_LIMITS: Record<string, string> = {
  FST_REQ_FILE_TOO_LARGE: '上传的文件超过这个功能的大小上限：请压缩或拆分成几个文件后分批上传。',
  FST_FILES_LIMIT: '一次上传的文件太多：请只选择这个功能需要的文件后再上传。',
  FST_FIELDS_LIMIT: '上传表单的字段太多：请只提交这个功能需要的字段。',
  FST_PARTS_LIMIT: '上传表单的内容太多：请只提交这个功能需要的字段和文件。',
};

/** A broken multipart body (cut off, no boundary, bad part header): the client's fault, not a 500. */
const BROKEN_MULTIPART = /^(Unexpected end of (form|file)|Malformed part header|Multipart: Boundary not found|Malformed urlencoded form)/;

function uploadProblem(fe: FastifyError, req: FastifyRequest): [ErrorCode, string] | null {
  if (fe.code && UPLOAD_LIMITS[fe.code]) return ['payload_too_large', UPLOAD_LIMITS[fe.code]!];
  if (fe.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || fe.code === 'FST_PROTO_VIOLATION' || fe.code === 'FST_INVALID_JSON_FIELD_ERROR')
    return ['validation_failed', '上传的表单格式不正确：请以 multipart/form-data 重新选择文件上传。'];
  const broken = fe.code === 'ERR_STREAM_PREMATURE_CLOSE' || BROKEN_MULTIPART.test(fe.message ?? '');
  if (!fe.statusCode && broken && /^multipart\//i.test(String(req.headers['content-type'] ?? '')))
    return ['validation_failed', '上传的内容不完整或格式不正确（可能是网络中断）：请重新选择文件上传。'];
  return null;
}

/**
 * Storage failures the operator can fix (disk full, read-only database file, PostgreSQL restarting
 * or unreachable): a 503 saying what happened and what to do, instead of "internal error". The
 * transaction was rolled back, so nothing was half-written; the server keeps running and the same
 * request succeeds once the cause is gone.
 */
export function storageProblem(err: unknown): string | null {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const msg = typeof e?.message === 'string' ? e.message : '';
  if (code === 'SQLITE_FULL' || code === '53100' || code === 'ENOSPC' || /database or disk is full|No space left/i.test(msg))
    return '磁盘空间已满，这次操作没有保存（已保存的数据不受影响）：请清理数据所在磁盘或扩容后重试。';
  if (code.startsWith('SQLITE_READONLY') || code === '25006' || /readonly database|read-only/i.test(msg))
    return '数据库当前只读，这次操作没有保存：请检查数据文件及其目录的写权限（或只读挂载）后重试。';
  if (code === 'SQLITE_CANTOPEN' || /unable to open database file/i.test(msg))
    return '无法打开数据库文件：请检查路径存在、文件和所在目录可写（SQLite 要在同一目录写 -wal/-shm 文件，只读挂载或权限不足都会这样）后重试。';
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return '读写数据库文件时出错，这次操作没有保存：请检查磁盘状态后重试。';
  if (
    /^57P0[123]$/.test(code) ||
    /^08/.test(code) ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    /Connection terminated|terminating connection|the database system is (starting up|shutting down)/i.test(msg)
  )
    return '数据库暂时无法连接（可能正在重启），这次操作没有保存：请稍后重试。';
  return null;
}

/** Turn anything thrown into a problem+json response with a Chinese message. */
export function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof AppError) {
    if (err.code === 'internal') req.log.error({ err }, 'internal error');
    return sendProblem(reply, problem(err.code, err.message, req, { errors: err.fieldErrors, details: err.details }));
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as FastifyError).validationContext ?? 'body';
    const errors: FieldError[] = err.validation.map((v) => {
      const p = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      return { path: p || where, message: v.message ?? '格式不正确' };
    });
    const detail = `输入有误：${errors.map((e) => `${FIELD_NAMES[e.path] ?? e.path}：${e.message}`).join('；')}`;
    return sendProblem(reply, problem('validation_failed', detail, req, { errors }));
  }
  const fe = err as FastifyError;
  const upload = uploadProblem(fe, req);
  if (upload) return sendProblem(reply, problem(upload[0], upload[1], req));
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413) {
    return sendProblem(reply, problem('payload_too_large', '请求体超过大小上限（1 MB），请减少单次提交的数据量或改用文件导入。', req));
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fe.statusCode === 415) {
    return sendProblem(reply, problem('validation_failed', '不支持的请求格式，请以 application/json 提交。', req));
  }
  if (fe.statusCode === 400) {
    return sendProblem(reply, problem('validation_failed', '请求体不是合法的 JSON，请检查后重试。', req));
  }
  if (fe.statusCode === 429) {
    return sendProblem(reply, problem('rate_limited', '请求过于频繁，请稍后再试。', req));
  }
  const storage = storageProblem(err);
  if (storage) {
    req.log.error({ err }, 'storage unavailable');
    reply.header('retry-after', '30');
    return sendProblem(reply, problem('unavailable', storage, req));
  }
  req.log.error({ err }, 'unhandled error');
  return sendProblem(reply, problem('internal', `服务器内部错误，请稍后重试；如果持续出现，请把请求编号 ${req.id} 告诉管理员。`, req));
}

export function apiNotFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(reply, problem('not_found', `接口不存在：${req.method} ${req.url.split('?')[0]}`, req));
}
