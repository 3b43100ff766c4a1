/**
 * Photos (DESIGN §3, §4 "Blobs"): `PUT /api/blobs/:sha256` stores the bytes once under their
 * SHA-256, `GET /api/blobs/:sha256` returns them.
 *
 * PUT, step by step:
 *  1. authenticate before the body is read (onRequest), and refuse a declared Content-Length over
 *     5 MB at once (413) instead of reading it;
 *  2. only image/jpeg, image/png and image/webp get a parser (raw bytes, 5 MB limit); any other
 *     content type is 415 before its body is read;
 *  3. the SHA-256 of the bytes must be the one in the path (400 hash_mismatch);
 *  4. INSERT … ON CONFLICT DO NOTHING: the first upload answers 201, a repeat 200 — retries and
 *     two phones sending the same photo are both fine.
 * GET answers the stored type with a year-long immutable cache: the name is the content.
 * The hash is the capability: any signed-in user who knows it may read the photo.
 */
import { createHash } from 'node:crypto'
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { HttpError, badRequest, notFound } from '../errors'

export const BLOB_MAX_BYTES = 5 * 1024 * 1024
export const BLOB_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const
const SHA256 = /^[0-9a-f]{64}$/

const tooLarge = () => new HttpError(413, 'payload_too_large', '照片过大（上限 5 MB），请压缩后重试')
const unsupported = () =>
  new HttpError(415, 'unsupported_media_type', '只接受 JPEG、PNG 或 WebP 图片（Content-Type: image/jpeg、image/png、image/webp）')

function hashParam(request: FastifyRequest): string {
  const { sha256 } = request.params as { sha256: string }
  if (!SHA256.test(sha256)) throw badRequest('照片编号应为 64 位小写十六进制的 SHA-256 值', 'invalid_hash')
  return sha256
}

async function refuseLargeBody(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const declared = Number(request.headers['content-length'])
  if (Number.isFinite(declared) && declared > BLOB_MAX_BYTES) throw tooLarge()
}

const blobRoutes: FastifyPluginAsync = async (app) => {
  app.addContentTypeParser([...BLOB_TYPES], { parseAs: 'buffer', bodyLimit: BLOB_MAX_BYTES }, (_req, body, done) =>
    done(null, body),
  )
  // Every other type (this plugin only): refuse without reading the body.
  app.addContentTypeParser('*', (_req, _payload, done) => done(unsupported(), undefined))

  // A body over the limit without a Content-Length (chunked) is caught while reading: answer it
  // with this route's limit, and leave every other error to the app's handler.
  app.setErrorHandler((err: FastifyError, _request, _reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw tooLarge()
    throw err
  })

  app.put('/blobs/:sha256', { onRequest: [app.authenticate, refuseLargeBody] }, async (request, reply) => {
    const sha256 = hashParam(request)
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    const body = request.body
    if (!Buffer.isBuffer(body) || !(BLOB_TYPES as readonly string[]).includes(type)) throw unsupported()
    if (body.length === 0) throw badRequest('照片内容为空', 'empty_body')
    const actual = createHash('sha256').update(body).digest('hex')
    if (actual !== sha256) {
      throw badRequest(`照片内容的 SHA-256 (${actual}) 与地址中的 ${sha256} 不一致，可能传输中损坏，请重试`, 'hash_mismatch')
    }
    const { rows } = await app.db.query(
      `INSERT INTO blobs (sha256, content_type, size, bytes, created_by) VALUES ($1, $2, $3, $4, $5::uuid)
       ON CONFLICT (sha256) DO NOTHING RETURNING sha256`,
      [sha256, type, body.length, body, request.auth!.userId],
    )
    return reply.code(rows.length ? 201 : 200).send({ sha256, size: body.length, contentType: type })
  })

  app.get('/blobs/:sha256', { onRequest: app.authenticate }, async (request, reply) => {
    const sha256 = hashParam(request)
    const etag = `"${sha256}"`
    if (request.headers['if-none-match'] === etag) return reply.code(304).header('etag', etag).send()
    const { rows } = await app.db.query<{ content_type: string; bytes: Uint8Array }>(
      'SELECT content_type, bytes FROM blobs WHERE sha256 = $1',
      [sha256],
    )
    if (!rows.length) throw notFound(`服务器上没有这张照片（${sha256}）`, 'blob_not_found')
    const { content_type, bytes } = rows[0]
    return reply
      .header('content-type', content_type)
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('etag', etag)
      .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  })
}

export default blobRoutes
