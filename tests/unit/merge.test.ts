import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { formatHlc } from '../../src/domain/hlc'
import { uuidv7 } from '../../src/domain/ids'
import { mergeMutation, overlayPending, type MergeInput, type StoredState } from '../../src/domain/merge'
import type { Household, Visit } from '../../src/domain/entities'

const stamp = (wall: number, node = 'dev', counter = 0) => formatHlc({ wall, counter, node })
const T = 1_763_880_000_000

function householdRecord(over: Partial<Household> = {}): Household {
  return {
    id: uuidv7(), hlc: stamp(T), deleted: false, gridId: uuidv7(), buildingId: null, unit: '1', room: '101',
    address: '幸福小区3号楼1单元101', headName: '王秀英', phone: '', members: [], tags: [], health: '', situation: '',
    needs: '', notes: '', ...over,
  }
}

function visitRecord(): Visit {
  return {
    id: uuidv7(), hlc: stamp(T), deleted: false, householdId: uuidv7(), gridId: uuidv7(), workerId: uuidv7(),
    startedAt: T, endedAt: T + 1, outcome: 'met', answers: {}, notes: 'ok', needs: '', photoIds: [], followUp: false,
  }
}

const createOf = (r: { id: string } & Record<string, unknown>, hlc: string): MergeInput => ({ recordId: r.id, op: 'put', fields: { ...r }, hlc })
const put = (recordId: string, fields: Record<string, unknown>, hlc: string): MergeInput => ({ recordId, op: 'put', fields, hlc })

function created(entity: 'households' | 'visits', record: { id: string } & Record<string, unknown>, hlc = stamp(T)): StoredState {
  const out = mergeMutation(entity, null, createOf(record, hlc))
  if (out.kind !== 'created') throw new Error(JSON.stringify(out))
  return out.state
}

describe('mergeMutation', () => {
  describe('create', () => {
    it('stores the whole record with every field stamped by the mutation', () => {
      const h = householdRecord()
      const state = created('households', h, stamp(T + 5))
      expect(state.data).toEqual({ ...h, hlc: stamp(T + 5) })
      expect(Object.keys(state.fieldHlc).sort()).toEqual(Object.keys(h).filter((k) => k !== 'id').sort())
      expect(new Set(Object.values(state.fieldHlc))).toEqual(new Set([stamp(T + 5)]))
    })

    it('rejects a create whose id differs from recordId', () => {
      const h = householdRecord()
      const out = mergeMutation('households', null, { ...createOf(h, stamp(T)), recordId: uuidv7() })
      expect(out).toMatchObject({ kind: 'rejected', reason: expect.stringMatching(/differs from recordId/) })
    })

    it('rejects an update of a record the server does not know', () => {
      expect(mergeMutation('households', null, put(uuidv7(), { notes: 'x' }, stamp(T)))).toMatchObject({
        kind: 'rejected',
        reason: expect.stringMatching(/unknown to the server/),
      })
    })

    it('names the invalid field, nested path included', () => {
      const h = householdRecord({ members: [{ name: '', relation: '户主', gender: 'female', birthYear: 1940, idNumber: '', phone: '', tags: [] }] })
      expect(mergeMutation('households', null, createOf(h, stamp(T)))).toMatchObject({
        kind: 'rejected',
        reason: expect.stringMatching(/^members\.0\.name: /),
      })
    })

    it('rejects a record missing a required field and unknown fields', () => {
      const { headName: _drop, ...partial } = householdRecord()
      expect(mergeMutation('households', null, createOf(partial as Household, stamp(T)))).toMatchObject({
        kind: 'rejected',
        reason: expect.stringMatching(/headName/),
      })
      const extra = { ...householdRecord(), colour: 'red' }
      expect(mergeMutation('households', null, createOf(extra, stamp(T)))).toMatchObject({
        kind: 'rejected',
        reason: 'households have no field colour',
      })
    })
  })

  describe('field last-writer-wins', () => {
    it('keeps per field the value with the highest stamp', () => {
      const h = householdRecord()
      let s = created('households', h)
      const out1 = mergeMutation('households', s, put(h.id, { notes: 'late', phone: '1' }, stamp(T + 20, 'b')))
      if (out1.kind !== 'updated') throw new Error(out1.kind)
      s = out1.state
      const out2 = mergeMutation('households', s, put(h.id, { notes: 'early', needs: 'help' }, stamp(T + 10, 'a')))
      if (out2.kind !== 'updated') throw new Error(out2.kind)
      expect(out2.state.data).toMatchObject({ notes: 'late', phone: '1', needs: 'help', hlc: stamp(T + 20, 'b') })
      expect(out2.state.fieldHlc).toMatchObject({ notes: stamp(T + 20, 'b'), needs: stamp(T + 10, 'a') })
    })

    it('reports unchanged when every field loses', () => {
      const h = householdRecord()
      const s = created('households', h, stamp(T + 50))
      expect(mergeMutation('households', s, put(h.id, { notes: 'old' }, stamp(T + 1)))).toEqual({ kind: 'unchanged' })
    })

    it('rejects an update that blanks a required field, and invalid values even when they would lose', () => {
      const h = householdRecord()
      const s = created('households', h, stamp(T + 50))
      expect(mergeMutation('households', s, put(h.id, { headName: '' }, stamp(T + 60)))).toMatchObject({ kind: 'rejected', reason: expect.stringMatching(/headName/) })
      expect(mergeMutation('households', s, put(h.id, { cadenceDays: 0 }, stamp(T + 1)))).toMatchObject({ kind: 'rejected', reason: expect.stringMatching(/cadenceDays/) })
    })

    it('treats delete as a tombstone field that a later write can revive', () => {
      const h = householdRecord()
      const s = created('households', h)
      const del = mergeMutation('households', s, { recordId: h.id, op: 'delete', fields: {}, hlc: stamp(T + 10) })
      if (del.kind !== 'updated') throw new Error(del.kind)
      expect(del.state.data.deleted).toBe(true)
      expect(mergeMutation('households', del.state, put(h.id, { deleted: false }, stamp(T + 5)))).toEqual({ kind: 'unchanged' })
      const revived = mergeMutation('households', del.state, put(h.id, { deleted: false }, stamp(T + 11)))
      expect(revived).toMatchObject({ kind: 'updated', state: { data: { deleted: false } } })
    })
  })

  describe('immutable and append-only entities', () => {
    it('ignores a second create and refuses changes outside mutableFields', () => {
      const v = visitRecord()
      const s = created('visits', v)
      expect(mergeMutation('visits', s, createOf({ ...v, notes: 'other' }, stamp(T + 9)))).toEqual({ kind: 'unchanged' })
      expect(mergeMutation('visits', s, put(v.id, { notes: 'edit' }, stamp(T + 9)))).toMatchObject({
        kind: 'rejected',
        reason: 'visits cannot change after creation: notes',
      })
    })

    it('lets an issue change category and level only', () => {
      const i = {
        id: uuidv7(), hlc: stamp(T), deleted: false, gridId: uuidv7(), type: 'issue', source: 'patrol', category: 'sanitation',
        title: '垃圾堆放', description: '', photoIds: [], level: 'micro', reportedAt: T, reportedBy: uuidv7(),
      }
      const created = mergeMutation('issues', null, createOf(i, stamp(T)))
      if (created.kind !== 'created') throw new Error(JSON.stringify(created))
      expect(mergeMutation('issues', created.state, put(i.id, { level: 'grid' }, stamp(T + 1)))).toMatchObject({ kind: 'updated' })
      expect(mergeMutation('issues', created.state, put(i.id, { title: 'x' }, stamp(T + 1)))).toMatchObject({ kind: 'rejected' })
    })

    it('refuses to delete an append-only record', () => {
      const e = { id: uuidv7(), hlc: stamp(T), deleted: false, issueId: uuidv7(), type: 'reported', actorId: uuidv7(), at: T, data: {} }
      const c = mergeMutation('issueEvents', null, createOf(e, stamp(T)))
      if (c.kind !== 'created') throw new Error(JSON.stringify(c))
      expect(mergeMutation('issueEvents', c.state, { recordId: e.id, op: 'delete', fields: { deleted: true }, hlc: stamp(T + 1) })).toMatchObject({
        kind: 'rejected',
        reason: expect.stringMatching(/append-only/),
      })
    })
  })

  describe('convergence (property)', () => {
    const field = fc.constantFrom('notes', 'needs', 'phone', 'health', 'deleted')
    const value = (f: string) => (f === 'deleted' ? fc.boolean() : fc.string({ maxLength: 8 }))
    const edit = fc
      .record({ wall: fc.integer({ min: 0, max: 20 }), node: fc.constantFrom('a', 'b', 'c'), fields: fc.uniqueArray(field, { minLength: 1, maxLength: 3 }) })
      .chain((e) =>
        fc.tuple(...e.fields.map((f) => value(f))).map((vals) => ({
          hlc: stamp(T + e.wall, e.node),
          fields: Object.fromEntries(e.fields.map((f, i) => [f, vals[i]])),
        })),
      )

    it('ends in the same record whatever order the edits arrive in', () => {
      const h = householdRecord()
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 8 }), fc.infiniteStream(fc.nat()), (edits, rnd) => {
          const apply = (list: typeof edits) => {
            let s = created('households', h, stamp(T - 1))
            for (const e of list) {
              const out = mergeMutation('households', s, put(h.id, e.fields, e.hlc))
              if (out.kind === 'rejected') throw new Error(out.reason)
              if (out.kind !== 'unchanged') s = out.state
            }
            return s
          }
          const shuffled = edits.map((e) => ({ e, k: rnd.next().value })).sort((x, y) => x.k - y.k).map((x) => x.e)
          expect(apply(shuffled)).toEqual(apply(edits))
        }),
        { numRuns: 300 },
      )
    })
  })

  describe('overlayPending', () => {
    it('keeps local values of fields with pending edits over the server’s record', () => {
      const h = householdRecord({ notes: 'server', phone: 'server' })
      const out = overlayPending(h, [put(h.id, { notes: 'local' }, stamp(T + 5)), { recordId: h.id, op: 'delete', fields: {}, hlc: stamp(T + 6) }])
      expect(out).toMatchObject({ notes: 'local', phone: 'server', deleted: true, hlc: stamp(T + 6) })
      expect(h.notes).toBe('server')
    })

    it('brings a pending create into being and ignores pending edits of an unknown record', () => {
      const h = householdRecord()
      expect(overlayPending(null, [createOf(h, stamp(T + 1))])).toMatchObject({ id: h.id, headName: '王秀英', hlc: stamp(T + 1) })
      expect(overlayPending(null, [put(h.id, { notes: 'x' }, stamp(T + 1))])).toBeNull()
    })
  })
})
