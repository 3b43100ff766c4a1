/**
 * Photos (DESIGN §3, §4 "Blobs"): `PUT /api/blobs/:sha256` stores the bytes once under their
 * SHA-256, `GET /api/blobs/:sha256` returns them. Bytes are files (blobStore.ts), metadata rows
 * in `blobs` (repositories/blobs.ts): an upload never holds the database while bytes are written.
 *
 * PUT, step by step:
 *  1. authenticate before the body is read (onRequest); refuse a declared Content-Length over
 *     5 MB (413), and an upload that would take the user past their upload quota of the last
 *     24 hours (413 quota_exceeded) — a photo the server already has costs no quota;
 *  2. only image/jpeg, image/png and image/webp get a parser (raw bytes, 5 MB limit); any other
 *     content type is 415 before its body is read;
 *  3. the bytes must be what the type says (magic numbers; 415 type_mismatch), and their SHA-256
 *     the one in the path (400 hash_mismatch);
 *  4. the file is written (temp file + rename), then the metadata row: 201 the first time,
 *     200 for a repeat — retries and two phones sending the same photo are both fine.
 * GET: a photo is served to its uploader and to users who may see a record naming it
 * (visits, patrol answers, issues, issue events); to anyone else it does not exist (404).
 * It answers the stored type with a year-long private immutable cache: the name is the content.
 */
import { createHash } from 'node:crypto'
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { apiErrorSchema } from '../../src/domain/sync'
import { HttpError, badRequest, notFound } from '../errors'
import type { BlobMeta, NamingRecord } from '../repositories/blobs'
import { canSee, loadScope, type Scope } from './scope'

export const BLOB_MAX_BYTES = 5 * 1024 * 1024
export const BLOB_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const
export type BlobType = (typeof BLOB_TYPES)[number]
export const DEFAULT_UPLOAD_QUOTA_BYTES = 200 * 1024 * 1024
const QUOTA_WINDOW_MS = 24 * 60 * 60 * 1000
const MB = 1024 * 1024

export interface BlobRoutesOptions {
  /** Bytes one user may upload per 24 hours. */
  uploadQuotaBytes?: number
  now?: () => number
}

const tooLarge = () => new HttpError(413, 'payload_too_large', '照片过大（上限 5 MB），请压缩后重试')
const unsupported = () =>
  new HttpError(415, 'unsupported_media_type', '只接受 JPEG、PNG 或 WebP 图片（Content-Type: image/jpeg、image/png、image/webp）')
const overQuota = (quota: number) =>
  new HttpError(413, 'quota_exceeded', `24 小时内上传的照片已达上限（${Math.round(quota / MB)} MB），请稍后再传或联系管理员`)

const paramsSchema = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, '照片编号应为 64 位小写十六进制的 SHA-256 值') })

/** The image type the bytes are, by their magic numbers; null for anything else. */
export function sniffImageType(bytes: Uint8Array): BlobType | null {
  const starts = (sig: number[], at = 0) => bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b)
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg'
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp'
  return null
}

/** Who may read a photo: its uploader, and whoever may see a live record naming it. */
export function mayReadBlob(scope: Scope, blob: Pick<BlobMeta, 'createdBy'>, naming: readonly NamingRecord[]): boolean {
  if (blob.createdBy === scope.userId) return true
  return naming.some((r) => canSee(scope, { entity: r.entity, gridId: r.gridId, ownerId: r.ownerId }))
}

const TYPE_NAMES: Record<BlobType, string> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/webp': 'WebP' }

const blobRoutes: FastifyPluginAsync<BlobRoutesOptions> = async (fastify, opts) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const quota = opts.uploadQuotaBytes ?? DEFAULT_UPLOAD_QUOTA_BYTES
  const now = opts.now ?? Date.now

  app.addContentTypeParser([...BLOB_TYPES], { parseAs: 'buffer', bodyLimit: BLOB_MAX_BYTES }, (_req, body, done) => done(null, body))
  // Every other type (this plugin only): refuse without reading the body.
  app.addContentTypeParser('*', (_req, _payload, done) => done(unsupported(), undefined))

  // A body over the limit without a Content-Length (chunked) is caught while reading: answer it
  // with this route's limit, and leave every other error to the app's handler.
  app.setErrorHandler((err: FastifyError, _request, _reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw tooLarge()
    throw err
  })

  const shaOf = (request: FastifyRequest) => {
    const parsed = paramsSchema.safeParse(request.params)
    if (!parsed.success) throw badRequest('照片编号应为 64 位小写十六进制的 SHA-256 值', 'invalid_hash')
    return parsed.data.sha256
  }

  /** Bytes the user may still upload, or null when this photo is already stored (costs nothing). */
  const checkQuota = async (userId: string, sha256: string, adding: number) => {
    if (await app.repos.blobs.find(sha256)) return
    const used = await app.repos.blobs.uploadedSince(userId, now() - QUOTA_WINDOW_MS)
    if (used + adding > quota) throw overQuota(quota)
  }

  async function refuseEarly(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const declared = Number(request.headers['content-length'])
    if (Number.isFinite(declared) && declared > BLOB_MAX_BYTES) throw tooLarge()
    await checkQuota(request.auth!.userId, shaOf(request), Number.isFinite(declared) ? declared : 0)
  }

  // The hash is checked in onRequest (before the body is read) with its own code, invalid_hash;
  // the params schema below then only documents it.
  const checkHash = async (request: FastifyRequest) => void shaOf(request)
  const stored = z.object({ sha256: z.string(), size: z.number().int(), contentType: z.enum(BLOB_TYPES) })
  const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 404: apiErrorSchema, 413: apiErrorSchema, 415: apiErrorSchema, 507: apiErrorSchema }

  app.put('/blobs/:sha256', {
    onRequest: [app.authenticate, refuseEarly],
    schema: { params: paramsSchema, response: { 200: stored, 201: stored, ...errors } },
  }, async (request, reply) => {
    const sha256 = shaOf(request)
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() as BlobType
    const body = request.body
    if (!Buffer.isBuffer(body) || !BLOB_TYPES.includes(type)) throw unsupported()
    if (body.length === 0) throw badRequest('照片内容为空', 'empty_body')
    const actualType = sniffImageType(body)
    if (actualType !== type) {
      throw new HttpError(
        415,
        'type_mismatch',
        actualType
          ? `照片内容是 ${TYPE_NAMES[actualType]}，与声明的 ${TYPE_NAMES[type]} 不符`
          : `照片内容不是 ${TYPE_NAMES[type]} 图片（文件头不符），请重新拍照或选择图片`,
      )
    }
    const actual = createHash('sha256').update(body).digest('hex')
    if (actual !== sha256) {
      throw badRequest(`照片内容的 SHA-256 (${actual}) 与地址中的 ${sha256} 不一致，可能传输中损坏，请重试`, 'hash_mismatch')
    }
    // Declared sizes were checked before the body; a chunked body is checked now.
    await checkQuota(request.auth!.userId, sha256, body.length)
    await app.blobStore.put(sha256, body)
    const created = await app.repos.blobs.insert({ sha256, contentType: type, size: body.length, createdBy: request.auth!.userId, at: now() })
    return reply.code(created ? 201 : 200).send({ sha256, size: body.length, contentType: type })
  })

  app.get('/blobs/:sha256', { onRequest: [app.authenticate, checkHash], schema: { params: paramsSchema } }, async (request, reply) => {
    const sha256 = shaOf(request)
    const auth = request.auth!
    const missing = () => notFound(`服务器上没有这张照片，或您无权查看（${sha256}）`, 'blob_not_found')
    const meta = await app.repos.blobs.find(sha256)
    if (!meta) throw missing()
    if (meta.createdBy !== auth.userId) {
      const scope = await loadScope(app.db, auth)
      if (!mayReadBlob(scope, meta, await app.repos.blobs.namingRecords(sha256))) throw missing()
    }
    const etag = `"${sha256}"`
    reply.header('cache-control', 'private, max-age=31536000, immutable').header('etag', etag)
    if (request.headers['if-none-match'] === etag) return reply.code(304).send()
    reply.header('content-type', meta.contentType)
    const file = await app.blobStore.read(sha256)
    if (file) return reply.header('content-length', String(file.size)).send(file.stream)
    // Stored before the bytes moved to files, and not moved yet.
    const legacy = (await app.repos.blobs.find(sha256, { withBytes: true }))?.legacyBytes
    if (!legacy) throw notFound(`这张照片的文件已丢失（${sha256}），请从手机重新上传`, 'blob_not_found')
    return reply.send(Buffer.from(legacy.buffer, legacy.byteOffset, legacy.byteLength))
  })
}

export default blobRoutes
