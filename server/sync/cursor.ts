/**
 * The pull cursor: opaque to clients, `base64url("2.<epoch>.<txid>.<seq>.<scope>")` inside. `epoch`
 * names the history of the database it was made in (feedState.ts: a restore makes a new one);
 * cursors of the first format, `1.<txid>.<seq>.<scope>`, come from before epochs and are read as
 * of the current one. (txid, seq) is
 * the position of the last change handed out in the feed; `scope` is the digest of the scope it
 * was made under (scope.ts fingerprintOf), so a user whose grids changed starts over and receives
 * the records of their new grids instead of only what changes there from now on — and, first, the
 * removals of what their old scope covered and the new one does not (pull.ts).
 */
import { badRequest } from '../errors'

export interface Cursor {
  /** xid8 as decimal text (it can exceed 2^53 in theory). */
  txid: string
  seq: number
  scope: string
  /** The feed's epoch it was made in; null for a cursor from before epochs. */
  epoch?: string | null
}

const MAX_XID8 = 2n ** 64n - 1n

export const START: Omit<Cursor, 'scope'> = { txid: '0', seq: 0 }

export function encodeCursor(c: Cursor): string {
  const text = c.epoch ? `2.${c.epoch}.${c.txid}.${c.seq}.${c.scope}` : `1.${c.txid}.${c.seq}.${c.scope}`
  return Buffer.from(text, 'utf8').toString('base64url')
}

/** Parses a cursor from the query; anything this server did not make is a readable 400. */
export function decodeCursor(text: string): Cursor {
  const raw = /^[A-Za-z0-9_-]{1,200}$/.test(text) ? Buffer.from(text, 'base64url').toString('utf8') : ''
  const m = /^(?:1|2\.([a-z0-9]{1,16}))\.(\d{1,20})\.(\d{1,15})\.([a-z0-9]{1,16})$/.exec(raw)
  // xid8 is unsigned 64-bit: a larger number would fail in the database, not here.
  if (!m || BigInt(m[2]) > MAX_XID8) throw badRequest('同步游标无效（cursor 不是服务器发出的值）；请清除游标后从头同步', 'invalid_cursor')
  return { txid: String(BigInt(m[2])), seq: Number(m[3]), scope: m[4], epoch: m[1] ?? null }
}
