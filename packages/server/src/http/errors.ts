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
  req.log.error({ err }, 'unhandled error');
  return sendProblem(reply, problem('internal', `服务器内部错误，请稍后重试；如果持续出现，请把请求编号 ${req.id} 告诉管理员。`, req));
}

export function apiNotFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(reply, problem('not_found', `接口不存在：${req.method} ${req.url.split('?')[0]}`, req));
}
