import { describe, expect, it } from 'vitest'
import { ENTITIES, ENTITY_NAMES, safeParseRecord } from '@/domain/entities'
import { HOUSEHOLD_TAGS, ISSUE_CATEGORIES, labelOf } from '@/domain/constants'
import { maskIdNumber, maskPhone } from '@/domain/privacy'
import { pushRequestSchema } from '@/domain/sync'
import { uuidv7 } from '@/domain/ids'

const hlc = '001763880000000-00000-phone1'

describe('entity schemas', () => {
  it('covers every entity of the sync contract', () => {
    expect(ENTITY_NAMES.sort()).toEqual(
      ['buildings', 'campaignTargets', 'campaigns', 'checklists', 'grids', 'households', 'issueEvents', 'issues', 'patrols', 'trackSegments', 'users', 'visits'],
    )
    expect(ENTITIES.visits.merge).toBe('immutable')
    expect(ENTITIES.issueEvents.merge).toBe('append')
    expect(ENTITIES.issues.mutableFields).toEqual(['category', 'level'])
  })

  it('accepts a valid track segment and explains an invalid one by field', () => {
    const seg = { id: uuidv7(), hlc, deleted: false, patrolId: uuidv7(), workerId: uuidv7(), seq: 0, points: [[1763880000000, 120.51, 36.87, 8]] }
    expect(safeParseRecord('trackSegments', seg).ok).toBe(true)
    const bad = safeParseRecord('trackSegments', { ...seg, points: [[1763880000000, 200, 36.87, 8]] })
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.message).toMatch(/^points\.0\.1: /)
  })

  it('rejects a malformed HLC and id', () => {
    const r = safeParseRecord('users', { id: 'x', hlc: '1-2-3', deleted: false, name: '张三', role: 'worker', gridIds: [], phone: '' })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.message).toMatch(/id: must be a UUID; hlc: must be an HLC stamp/)
  })

  it('limits a push to a bounded batch', () => {
    const m = { id: uuidv7(), entity: 'users', recordId: uuidv7(), op: 'put', fields: {}, hlc }
    expect(pushRequestSchema.safeParse({ deviceId: 'd1', mutations: [m] }).success).toBe(true)
    expect(pushRequestSchema.safeParse({ deviceId: 'd1', mutations: Array(501).fill(m) }).success).toBe(false)
    expect(pushRequestSchema.safeParse({ deviceId: 'bad device', mutations: [] }).success).toBe(false)
  })
})

describe('vocabulary', () => {
  it('labels tags and categories in Chinese first, English second', () => {
    expect(HOUSEHOLD_TAGS.map((t) => t.zh)).toEqual(expect.arrayContaining(['独居老人', '空巢老人', '高龄老人', '残疾人', '低保户', '困难家庭', '重点人员', '党员户', '流动人口', '出租户', '四类党员']))
    expect(labelOf(ISSUE_CATEGORIES, 'ebike_charging')).toBe('电动车违规充电')
    expect(labelOf(ISSUE_CATEGORIES, 'ebike_charging', 'en')).toBe('Illegal e-bike charging')
    expect(labelOf(ISSUE_CATEGORIES, 'unknown_code')).toBe('unknown_code')
  })
})

describe('masking', () => {
  it('hides the middle of phones and ID numbers', () => {
    expect(maskPhone('13812345678')).toBe('138****5678')
    expect(maskPhone('5551234')).toBe('*****34')
    expect(maskIdNumber('370285194001011234')).toBe('370285********1234')
    expect(maskIdNumber('12345')).toBe('*****')
  })
})
