// @vitest-environment happy-dom
/**
 * 催办 on the phone: a supervisor's reminder, pulled like every issue event, reads 督办人催办 in the
 * issue's timeline (with its note) and marks the issue 督办人已催办 in the list and on its page.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Repository, appDb, setMeta } from '@/db'
import { reportIssue } from '@/db/issues'
import type { IssueEvent } from '@/domain/entities'
import { uuidv7 } from '@/domain/ids'
import { draftToIssue, emptyDraft } from '@/features/issues/issues.models'
import { mountApp, resetDb, saveTestSession, session, stubFetch, until, unmountAll } from './helpers'

const gridId = session.user.gridIds[0]
const me = session.user.id
const supervisorId = uuidv7()

beforeEach(async () => {
  await resetDb()
  await saveTestSession()
  await setMeta(appDb(), 'deviceId', 'phone-test')
  await appDb().users.bulkPut([
    { id: me, hlc: '001763880000000-00000-server', deleted: false, name: session.user.name, role: 'worker', gridIds: [gridId], phone: '' },
    { id: supervisorId, hlc: '001763880000000-00000-server', deleted: false, name: '王书记', role: 'supervisor', gridIds: [], phone: '' },
  ])
  stubFetch(() => {
    throw new TypeError('Failed to fetch')
  })
})
afterEach(() => {
  vi.unstubAllGlobals()
  unmountAll()
})

async function dispatchedToMe(reminded: boolean) {
  const at = Date.now() - 60_000
  const { issue, event } = await reportIssue(appDb(), new Repository(appDb()), draftToIssue({ ...emptyDraft(gridId), title: '楼道堆放杂物', category: 'fire_safety' }, me, at), { actorId: me, at, data: {} })
  await appDb().outbox.clear()
  const synced = (seq: number, type: IssueEvent['type'], actorId: string, data: IssueEvent['data'] = {}) =>
    ({ id: uuidv7(), hlc: `00${at + seq}-00000-server`, deleted: false, issueId: issue.id, type, actorId, at: at + seq * 1000, data, acceptedSeq: seq }) as IssueEvent
  await appDb().issueEvents.bulkPut([
    { ...event, acceptedSeq: 1 } as IssueEvent,
    synced(2, 'assigned', supervisorId, { assigneeId: me }),
    ...(reminded ? [synced(3, 'reminded', supervisorId, { note: '居民又打电话了，请今天处理' })] : []),
  ])
  return issue
}

describe('催办 on the phone', () => {
  it('shows the reminder in the timeline as 督办人催办 with its note, and marks the issue', async () => {
    const issue = await dispatchedToMe(true)
    const { wrapper } = await mountApp(`/issues/${issue.id}`)
    const timeline = () => document.querySelector('.issues-timeline')?.textContent ?? ''
    await until(() => timeline().includes('督办人催办'))
    expect(timeline()).toContain('王书记')
    expect(timeline()).toContain('居民又打电话了，请今天处理')
    expect(wrapper.text()).toContain('督办人已催办')
    // A worker has no 催办 button of their own.
    expect([...document.querySelectorAll('.issues-actions__buttons button')].map((b) => b.textContent!.trim())).not.toContain('催办')
  })

  it('an issue nobody reminded carries no mark', async () => {
    const issue = await dispatchedToMe(false)
    const { wrapper } = await mountApp(`/issues/${issue.id}`)
    await until(() => (document.querySelector('.issues-timeline')?.textContent ?? '').includes('派单'))
    expect(wrapper.text()).not.toContain('催办')
  })
})
