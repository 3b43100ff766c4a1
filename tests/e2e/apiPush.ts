/**
 * Records made "on a phone" without a browser: each [entity, fields] becomes a put mutation stamped
 * by the device's own clock and pushed to /api/sync/push as that phone would. Returns each
 * mutation's status ('applied' when the server took it) and the whole answer for messages.
 */
import { Hlc } from '../../src/domain/hlc'
import { uuidv7 } from '../../src/domain/ids'

export async function apiPush(
  url: string,
  token: string,
  deviceId: string,
  records: [entity: string, fields: Record<string, unknown> & { id: string }][],
): Promise<{ statuses: string[]; body: unknown }> {
  const clock = new Hlc(deviceId)
  const mutations = records.map(([entity, fields]) => {
    const hlc = clock.now()
    return { id: uuidv7(), entity, recordId: fields.id, op: 'put', hlc, fields: { ...fields, hlc, deleted: false } }
  })
  const res = await fetch(`${url}/api/sync/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ deviceId, mutations }),
  })
  const body = (await res.json()) as { results?: { status: string }[] }
  return { statuses: (body.results ?? []).map((r) => r.status), body }
}
