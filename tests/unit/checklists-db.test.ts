/**
 * The phone picks the checklist of the user's community (from their grids), else the shared one.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FullGridDb } from '@/db'
import { checklistFor, checklistsByIds } from '@/db/checklists'
import { newChecklist } from '@/domain/checklists'
import { uuidv7 } from '@/domain/ids'
import { grid, stamp } from '../factories'

let db: FullGridDb
let n = 0
beforeEach(() => {
  db = new FullGridDb(`checklists-${n++}`)
})
afterEach(async () => {
  db.close()
  await db.delete()
})

const items = [{ id: 'a', label: '住址清', category: '', required: true, kind: 'yesno' as const }]

describe('checklistFor', () => {
  it("takes the community of the user's grids, else the shared set", async () => {
    const c1 = uuidv7()
    const c2 = uuidv7()
    const mine = grid({ communityId: c1 })
    const other = grid({ communityId: c2 })
    const shared = newChecklist({ id: uuidv7(), hlc: stamp(1, 'server'), kind: 'visit', communityId: null, name: '通用', items })
    const own = newChecklist({ id: uuidv7(), hlc: stamp(2, 'server'), kind: 'visit', communityId: c1, name: '本社区', items })
    await db.grids.bulkPut([mine, other])
    await db.checklists.bulkPut([shared, own])
    expect((await checklistFor(db, 'visit', [mine.id]))?.id).toBe(own.id)
    expect((await checklistFor(db, 'visit', [other.id]))?.id).toBe(shared.id)
    expect(await checklistFor(db, 'patrol', [mine.id])).toBeNull()
    const byId = await checklistsByIds(db, [own.id, own.id, null, uuidv7()])
    expect([...byId.keys()]).toEqual([own.id])
  })
})
