import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { FullGridDb, Repository, ensureDeviceId } from '@/db'
import { lockKey, setDataKey, setEncryptionRequired } from '@/db/crypto'
import { unsyncedRecordCount, unsyncedRecordCountSealed } from '@/db/outbox'
import { uuidv7 } from '@/domain/ids'
import { lockGate, lockIsDue, noticeMessage, pinProblem, unlockNotice, wipedText } from '@/features/lock/lock.models'
import * as f from '../factories'

describe('pinProblem', () => {
  it('takes six digits typed the same twice', () => {
    expect(pinProblem('480261', '480261')).toBeNull()
    expect(pinProblem('480261')).toBeNull()
  })
  it('refuses what is not six digits', () => {
    for (const pin of ['', '12345', '1234567', '12a456', ' 480261', '４８０２６１']) expect(pinProblem(pin, pin)).toBe('format')
  })
  it('refuses the PINs a finder tries first: one digit six times, a run up or down', () => {
    for (const pin of ['000000', '111111', '123456', '234567', '654321', '987654']) expect(pinProblem(pin, pin)).toBe('weak')
    // Not a run: steps of two, or a wrap past 9.
    expect(pinProblem('135790', '135790')).toBeNull()
    expect(pinProblem('789012', '789012')).toBeNull()
  })
  it('says when the repeat differs', () => {
    expect(pinProblem('480261', '480216')).toBe('mismatch')
  })
})

describe('unlockNotice', () => {
  const outlook = { unsynced: 7, sendable: 5, lost: 2 }
  it('counts down, warns with the unsynced count before the last try, says when wiped', () => {
    expect(unlockNotice({ ok: true }, outlook)).toBeNull()
    expect(unlockNotice({ ok: false, wiped: false, remaining: 3 }, outlook)).toEqual({ key: 'wrong', remaining: 3 })
    expect(unlockNotice({ ok: false, wiped: false, remaining: 1 }, outlook)).toEqual({ key: 'lastTry', ...outlook })
    expect(unlockNotice({ ok: false, wiped: true }, outlook)).toEqual({ key: 'wiped', report: null })
    expect(unlockNotice({ ok: false, wiped: true, report: { sent: 5, lost: 2 } }, outlook)).toEqual({ key: 'wiped', report: { sent: 5, lost: 2 } })
  })

  it('before the last try names what would be sent first and what lost; the wiped text what was', () => {
    expect(noticeMessage({ key: 'lastTry', unsynced: 7, sendable: 5, lost: 2 })).toEqual({ key: 'lock.notices.lastTrySend', values: { unsynced: 7, sendable: 5, lost: 2 } })
    // Nothing has an escrow copy (rows from before, photos, no key yet): all of it would be lost.
    expect(noticeMessage({ key: 'lastTry', unsynced: 3, sendable: 0, lost: 3 })).toEqual({ key: 'lock.notices.lastTry', values: { unsynced: 3 } })
    expect(noticeMessage({ key: 'lastTry', unsynced: 0, sendable: 0, lost: 0 }).key).toBe('lock.notices.lastTryNone')
    const t = (key: string, v?: Record<string, number>) => `${key}${v ? JSON.stringify(v) : ''}`
    expect(wipedText(t, null)).toBe('lock.notices.wiped')
    expect(wipedText(t, { sent: 0, lost: 0 })).toBe('lock.notices.wiped')
    expect(wipedText(t, { sent: 5, lost: 2 })).toBe('lock.notices.wipedlock.notices.wipedReport{"sent":5,"lost":2}')
  })
})

describe('lockIsDue', () => {
  const t0 = Date.UTC(2026, 11, 7, 8)
  it('locks once the community’s minutes out of sight have passed', () => {
    expect(lockIsDue(t0, t0 + 5 * 60_000 - 1, 5)).toBe(false)
    expect(lockIsDue(t0, t0 + 5 * 60_000, 5)).toBe(true)
    expect(lockIsDue(t0, t0 + 60_000, 1)).toBe(true)
  })
  it('never when the app was not hidden', () => {
    expect(lockIsDue(null, t0 + 86_400_000, 5)).toBe(false)
  })
})

describe('lockGate', () => {
  it('sends a phone without a PIN to 设置PIN码, a locked one to 输入PIN码', () => {
    expect(lockGate({ hasPin: false, unlocked: false })).toBe('set-pin')
    expect(lockGate({ hasPin: true, unlocked: false })).toBe('unlock')
    expect(lockGate({ hasPin: true, unlocked: true })).toBeNull()
  })
})

describe('unsyncedRecordCountSealed', () => {
  const dbs: FullGridDb[] = []
  afterEach(async () => {
    lockKey()
    setEncryptionRequired(false)
    for (const db of dbs.splice(0)) await db.delete()
  })

  it('counts while locked what unsyncedRecordCount counts unlocked: an issue and its events once', async () => {
    setDataKey(crypto.getRandomValues(new Uint8Array(32)))
    const db = new FullGridDb(`lock-count-${uuidv7()}`)
    dbs.push(db)
    await ensureDeviceId(db, () => 'phone1')
    const repo = new Repository(db)
    const gridId = uuidv7()
    const { id: _h, ...h } = f.newRecord(f.household(gridId))
    await repo.create('households', h)
    const { id: _i, ...issue } = f.newRecord(f.issue(gridId, uuidv7()))
    const created = await repo.create('issues', issue)
    const { id: _e, ...event } = f.newRecord(f.issueEvent(created.id, 'progress', uuidv7(), { note: '已联系' }))
    await repo.create('issueEvents', event)
    const unlocked = await unsyncedRecordCount(db)
    expect(unlocked).toBe(2)

    lockKey()
    await expect(unsyncedRecordCount(db)).rejects.toThrow('手机已锁定')
    expect(await unsyncedRecordCountSealed(db)).toBe(unlocked)
  })
})
