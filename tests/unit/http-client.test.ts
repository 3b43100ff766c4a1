/** apiFetch's request shapes beyond JSON: PATCH, multipart uploads, blob downloads, 204. */
import { describe, expect, it } from 'vitest'
import { apiFetch, type ApiClient } from '@/sync/http'
import type { RequestInitLike, ResponseLike } from '@/sync/context'

function recorder(answer: ResponseLike) {
  const calls: Array<{ url: string; init: RequestInitLike }> = []
  const client: ApiClient = {
    fetch: async (url, init) => {
      calls.push({ url, init })
      return answer
    },
    baseUrl: 'https://api.example',
    timeoutMs: 1_000,
    now: () => 0,
    token: async () => 'tok',
  }
  return { client, calls }
}

describe('apiFetch bodies and answers', () => {
  it('sends PATCH with a JSON body', async () => {
    const { client, calls } = recorder({ status: 200, json: async () => ({ ok: true }) })
    expect(await apiFetch(client, { method: 'PATCH', path: '/api/admin/users/u1', json: { name: '王芳' } })).toEqual({ ok: true })
    expect(calls[0].url).toBe('https://api.example/api/admin/users/u1')
    expect(calls[0].init.method).toBe('PATCH')
    expect(calls[0].init.body).toBe('{"name":"王芳"}')
    expect(calls[0].init.headers['content-type']).toBe('application/json')
  })

  it('sends a FormData body as it is, leaving the multipart content type to the runtime', async () => {
    const { client, calls } = recorder({ status: 200, json: async () => ({ imported: 1 }) })
    const form = new FormData()
    form.append('file', new Blob(['x']), 'ledger.xlsx')
    await apiFetch(client, { method: 'POST', path: '/api/import/households', form })
    expect(calls[0].init.body).toBe(form)
    expect(calls[0].init.headers['content-type']).toBeUndefined()
    expect(calls[0].init.headers.authorization).toBe('Bearer tok')
  })

  it('returns the body of a blob download', async () => {
    const blob = new Blob(['PK'], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' })
    const { client } = recorder({ status: 200, json: async () => undefined, blob: async () => blob })
    expect(await apiFetch(client, { method: 'GET', path: '/api/export/households.xlsx', responseType: 'blob' })).toBe(blob)
  })

  it('takes 204 as a success without a body, and a 200 without JSON as unreadable', async () => {
    const empty = recorder({ status: 204, json: async () => Promise.reject(new SyntaxError('empty')) })
    expect(await apiFetch(empty.client, { method: 'DELETE', path: '/api/admin/users/u1' })).toBeNull()
    const html = recorder({ status: 200, json: async () => Promise.reject(new SyntaxError('<html>')) })
    await expect(apiFetch(html.client, { method: 'GET', path: '/api/me' })).rejects.toMatchObject({ name: 'ProtocolError' })
  })
})
