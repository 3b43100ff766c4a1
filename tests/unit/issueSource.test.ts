/**
 * 来自 (issue 17): an issue's visit or patrol reads as words — kind, place, day — and links to the
 * page that shows it; never an id, also when the record is not at hand.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { consoleIssueSource, issueSourceText, phoneIssueSource, type IssueSourceRecord } from '../../src/features/issues/issueSource.models'
import { setCommunityTimeZone } from '../../src/ui/time'

const VISIT_ID = '01930000-0000-7000-8000-000000000001'
const PATROL_ID = '01930000-0000-7000-8000-000000000002'
const HOUSEHOLD_ID = '01930000-0000-7000-8000-000000000003'
const WORKER_ID = '01930000-0000-7000-8000-000000000004'
/** 2026-12-05 09:10 in Shanghai. */
const AT = Date.UTC(2026, 11, 5, 1, 10)
const NOW = Date.UTC(2026, 11, 7, 2, 0)

const visit = (over: Partial<IssueSourceRecord> = {}): IssueSourceRecord => ({
  kind: 'visit', id: VISIT_ID, at: AT, householdId: HOUSEHOLD_ID, address: '翠湖花园 5号楼 2单元 301', workerId: WORKER_ID, ...over,
})
const patrol = (over: Partial<IssueSourceRecord> = {}): IssueSourceRecord => ({
  kind: 'patrol', id: PATROL_ID, at: AT, householdId: null, address: null, workerId: WORKER_ID, ...over,
})
const fromVisit = { source: 'visit' as const, sourceId: VISIT_ID }
const fromPatrol = { source: 'patrol' as const, sourceId: PATROL_ID }

afterEach(() => setCommunityTimeZone('Asia/Shanghai'))

describe('issueSourceText', () => {
  it('reads a visit as kind · address · day and a patrol as kind · day and time', () => {
    expect(issueSourceText('visit', visit(), 'zh-CN', NOW)).toBe('入户走访 · 翠湖花园 5号楼 2单元 301 · 12月5日')
    expect(issueSourceText('patrol', patrol(), 'zh-CN', NOW)).toBe('巡查 · 12月5日 09:10')
    expect(issueSourceText('patrol', patrol(), 'en', NOW)).toBe('Patrol · Dec 5, 09:10')
  })

  it('names the year only when it is not this year, and the kind alone without the record', () => {
    expect(issueSourceText('visit', visit(), 'zh-CN', Date.UTC(2027, 0, 3))).toBe('入户走访 · 翠湖花园 5号楼 2单元 301 · 2026年12月5日')
    expect(issueSourceText('visit', null, 'zh-CN', NOW)).toBe('入户走访')
    expect(issueSourceText('visit', visit({ address: null }), 'zh-CN', NOW)).toBe('入户走访 · 12月5日')
  })

  it('counts the day in the community’s zone, not the browser’s', () => {
    // 23:30 on Dec 5 in Shanghai is still Dec 5 there, whatever zone the device is in.
    const late = Date.UTC(2026, 11, 5, 15, 30)
    expect(issueSourceText('patrol', patrol({ at: late }), 'zh-CN', NOW)).toBe('巡查 · 12月5日 23:30')
    setCommunityTimeZone('America/New_York')
    expect(issueSourceText('patrol', patrol({ at: late }), 'zh-CN', NOW)).toBe('巡查 · 12月5日 10:30')
  })
})

describe('phoneIssueSource', () => {
  it('links a visit to its household and a patrol to its 巡查小结', () => {
    expect(phoneIssueSource(fromVisit, visit(), 'zh-CN', NOW)).toEqual({
      text: '入户走访 · 翠湖花园 5号楼 2单元 301 · 12月5日', to: { name: 'ledger-household', params: { id: HOUSEHOLD_ID } },
    })
    expect(phoneIssueSource(fromPatrol, patrol(), 'zh-CN', NOW)).toEqual({ text: '巡查 · 12月5日 09:10', to: { name: 'patrol-summary', params: { id: PATROL_ID } } })
  })

  it('shows the kind without a link when the record is not on the phone, and nothing for other sources', () => {
    expect(phoneIssueSource(fromVisit, null, 'zh-CN', NOW)).toEqual({ text: '入户走访', to: null })
    // A record of the other kind is not this issue's source.
    expect(phoneIssueSource(fromPatrol, visit(), 'zh-CN', NOW)).toEqual({ text: '巡查', to: null })
    expect(phoneIssueSource({ source: 'resident', sourceId: null }, null, 'zh-CN', NOW)).toBeNull()
    expect(phoneIssueSource({ source: 'visit', sourceId: null }, null, 'zh-CN', NOW)).toBeNull()
  })

  it('never shows an id', () => {
    for (const v of [phoneIssueSource(fromVisit, visit(), 'zh-CN', NOW), phoneIssueSource(fromPatrol, null, 'en', NOW)]) {
      expect(v!.text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/)
    }
  })
})

describe('consoleIssueSource', () => {
  it('links a patrol to 轨迹回放 of its worker on its community day; a visit is words only', () => {
    expect(consoleIssueSource(fromPatrol, patrol(), 'zh-CN', NOW)).toEqual({
      text: '巡查 · 12月5日 09:10', to: { name: 'console-tracks', query: { worker: WORKER_ID, day: '2026-12-05' } },
    })
    expect(consoleIssueSource(fromVisit, visit(), 'zh-CN', NOW)).toEqual({ text: '入户走访 · 翠湖花园 5号楼 2单元 301 · 12月5日', to: null })
    expect(consoleIssueSource({ source: 'supervisor', sourceId: null }, null, 'zh-CN', NOW)).toBeNull()
  })

  it('takes the day of a late patrol in the community’s zone', () => {
    const late = Date.UTC(2026, 11, 5, 15, 30)
    expect(consoleIssueSource(fromPatrol, patrol({ at: late }), 'zh-CN', NOW)?.to).toEqual({ name: 'console-tracks', query: { worker: WORKER_ID, day: '2026-12-05' } })
  })
})
