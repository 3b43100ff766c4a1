/**
 * One error shape for the whole API (DESIGN §5): every error answer, 404 and 413 included, is
 * JSON `{error: code, message}` with a message a person can read. Bad input is a 4xx, never a
 * 500; a 5xx never shows internals.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { describeZodError } from '../src/domain/entities'

/** An error a route throws on purpose; the error handler answers it as it is. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

export const badRequest = (message: string, code = 'invalid_request') => new HttpError(400, code, message)
export const unauthorized = (message = '请先登录（登录已失效或令牌无效）', code = 'unauthorized') =>
  new HttpError(401, code, message)
export const forbidden = (message = '当前账号无权执行此操作', code = 'forbidden') => new HttpError(403, code, message)
export const notFound = (message = '找不到请求的资源', code = 'not_found') => new HttpError(404, code, message)

/** Validate with a shared schema inside a handler; a failure becomes a readable 400. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what = '请求内容'): z.infer<S> {
  const result = schema.safeParse(value)
  if (!result.success) throw badRequest(`${what}不正确：${describeZodError(result.error)}`)
  return result.data
}

interface ValidationItem {
  instancePath?: string
  message?: string
}

/** `/members/0/name` + message → `members.0.name: message`, at most five of them. */
function describeValidation(items: readonly ValidationItem[], context: string | undefined): string {
  const where = context === 'querystring' ? '查询参数' : context === 'params' ? '路径参数' : context === 'headers' ? '请求头' : '请求内容'
  const parts = items.slice(0, 5).map((i) => {
    const path = (i.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.')
    return path ? `${path}: ${i.message ?? 'invalid'}` : (i.message ?? 'invalid')
  })
  return `${where}不正确：${parts.join('; ')}`
}

const MB = 1024 * 1024

/** Fastify's own 4xx errors, as codes and messages for people. */
function describeFastifyError(err: FastifyError, bodyLimit: number): { status: number; code: string; message: string } | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'payload_too_large', message: `请求内容过大（上限 ${Math.round(bodyLimit / MB)} MB）` }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'unsupported_media_type', message: '不支持的内容类型，请以 JSON（application/json）发送' }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, code: 'invalid_json', message: '请求内容不是有效的 JSON' }
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, code: 'invalid_request', message: '请求长度与内容不符' }
  }
  if (err instanceof SyntaxError) return { status: 400, code: 'invalid_json', message: '请求内容不是有效的 JSON' }
  return null
}

/**
 * Errors of the disk and the database that are not the server's bug:
 *  - a full disk (ENOSPC/EDQUOT while writing a file, SQLSTATE 53100 disk_full) is
 *    507 Insufficient Storage, with a message for people;
 *  - text the database cannot store (a NUL character: SQLSTATE 22021 / 22P05) is bad input, 400.
 */
export function describeStorageError(err: unknown): { status: number; code: string; message: string } | null {
  const code = (err as { code?: unknown } | null)?.code
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === '53100') {
    return { status: 507, code: 'insufficient_storage', message: '服务器存储空间已满，暂时无法保存，请稍后重试并联系管理员' }
  }
  if (code === '22021' || code === '22P05') {
    return { status: 400, code: 'invalid_text', message: '内容中含有无法保存的字符（如 NUL 空字符），请删除后重试' }
  }
  return null
}

/**
 * The error handler, on the root instance before any plugin is registered: an encapsulated
 * plugin keeps the error handler its parent had when the plugin loaded.
 */
export function installErrorHandler(app: FastifyInstance, opts: { bodyLimit: number }): void {
  app.setErrorHandler((err: FastifyError | HttpError | Error, request, reply) => {
    if (err instanceof HttpError) {
      return reply.code(err.statusCode).headers(err.headers).send({ error: err.code, message: err.message })
    }
    // Route schemas: zod through fastify-type-provider-zod, or any other validator Fastify runs.
    const fe = err as FastifyError
    if (hasZodFastifySchemaValidationErrors(err) || (Array.isArray(fe.validation) && fe.validation.length > 0)) {
      return reply
        .code(400)
        .send({ error: 'invalid_request', message: describeValidation(fe.validation as ValidationItem[], fe.validationContext) })
    }
    if (err instanceof z.ZodError) {
      return reply.code(400).send({ error: 'invalid_request', message: `请求内容不正确：${describeZodError(err)}` })
    }
    const known = describeFastifyError(fe, opts.bodyLimit) ?? describeStorageError(err)
    if (known) {
      if (known.status >= 500) request.log.error({ err }, 'request failed')
      return reply.code(known.status).send({ error: known.code, message: known.message })
    }

    const status = fe.statusCode
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Another 4xx raised by Fastify or a plugin: its own message is meant for the caller.
      return reply.code(status).send({ error: 'bad_request', message: err.message })
    }
    request.log.error({ err }, 'request failed')
    return reply.code(typeof status === 'number' && status >= 500 && status < 600 ? status : 500).send({
      error: 'internal_error',
      message: '服务器内部错误，请稍后重试',
    })
  })
}

/**
 * The 404 handler, on the root instance after the global plugins (compression, security
 * headers): a not-found handler only runs the hooks registered before it.
 */
export function installNotFoundHandler(
  app: FastifyInstance,
  opts: { notFound?: (request: FastifyRequest, reply: FastifyReply) => unknown } = {},
): void {
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]
    const isApi = path === '/api' || path.startsWith('/api/')
    if (opts.notFound && !isApi) return opts.notFound(request, reply)
    return reply.code(404).send({ error: 'not_found', message: `没有这个接口：${request.method} ${path}` })
  })
}
