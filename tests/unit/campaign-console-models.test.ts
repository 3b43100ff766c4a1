/**
 * 专项排查 in the console (issue 21), the view logic: list order and figures, the draft form and
 * the body it sends (days on the community's calendar), problems in Chinese before anything is
 * sent, progress as percentages, workers by name whatever their figures.
 */
import { describe, expect, it } from 'vitest'
import type { Campaign } from '@/domain/campaigns'
import { blankItem } from '@/features/checklists/checklists.models'
import {
  answerValue,
  blankCampaign,
  campaignActions,
  campaignFormProblems,
  campaignRows,
  showsCommunity,
  campaignTimes,
  compoundsOf,
  exportFileName,
  gridRows,
  gridsBehind,
  statePercents,
  toDraftBody,
  toEditableCampaign,
  workerRows,
  type ProgressAnswer,
} from '@/features/campaign-console/campaignConsole.models'

const ZONE = 'Asia/Shanghai'
const C1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c01'
const G1 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c02'
const G2 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c03'
// 2026-12-07 10:00 in Shanghai
const NOW = Date.UTC(2026, 11, 7, 2)

function campaign(id: string, over: Partial<Campaign> = {}): Campaign {
  return {
    id, hlc: '001763880000000-00000-server', deleted: false, communityId: C1, title: '燃气安全排查', status: 'published',
    items: [{ id: 'gas', label: '燃气阀门完好', category: '', required: true, kind: 'yesno' }],
    selection: { kind: 'household', gridIds: [G1], tags: ['living_alone_elder'], compounds: [], buildingIds: [] },
    startAt: Date.UTC(2026, 11, 6, 16), deadlineAt: Date.UTC(2026, 11, 14, 16) - 1, createdBy: C1, ...over,
  }
}

const counts = (total: number, done: number, not_home = 0, refused = 0) => ({ total, done, not_home, refused, not_yet: total - done - not_home - refused, percent: Math.floor((done * 100) / (total || 1)) })

describe('the list', () => {
  it('running first, then drafts, then ended, newest first in each; deadline day in the community zone; — for a draft', () => {
    const rows = campaignRows(
      {
        campaigns: [campaign('01', { status: 'closed' }), campaign('02', { status: 'draft' }), campaign('03'), campaign('04')],
        counts: { '01': { total: 10, done: 10, percent: 100 }, '03': { total: 3, done: 1, percent: 33 }, '04': { total: 0, done: 0, percent: 0 } },
      },
      ZONE,
    )
    expect(rows.map((r) => [r.id, r.status, r.percent])).toEqual([['04', 'published', '0%'], ['03', 'published', '33%'], ['02', 'draft', '—'], ['01', 'closed', '100%']])
    // The last millisecond of 12月14日 in Shanghai is 12-14, not the UTC day.
    expect(rows[0]!.deadlineDay).toBe('2026-12-14')
  })

  it('names each campaign’s community; the column shows for a caller managing more than one', () => {
    const C2 = '0190a5d4-3c1e-7a2b-8c3d-4e5f6a7b8c99'
    const answer = {
      campaigns: [campaign('01'), campaign('02', { communityId: C2 }), campaign('03', { communityId: 'unknown' })],
      counts: {},
      communities: [{ id: C1.toUpperCase(), name: '香港路社区' }, { id: C2, name: '苏州路社区' }],
    }
    expect(campaignRows(answer, ZONE).map((r) => [r.id, r.community])).toEqual([['03', ''], ['02', '苏州路社区'], ['01', '香港路社区']])
    expect(showsCommunity(answer)).toBe(true)
    expect(showsCommunity({ ...answer, communities: [answer.communities[0]!] })).toBe(false)
    expect(showsCommunity({ campaigns: [], counts: {} })).toBe(false)
  })
})

describe('the draft form', () => {
  it('a new draft runs from today for a week; its body runs from the first day start to the last day end', () => {
    const e = blankCampaign(C1, NOW, ZONE)
    expect([e.startDay, e.deadlineDay]).toEqual(['2026-12-07', '2026-12-14'])
    expect(campaignTimes(e, ZONE)).toEqual({ startAt: Date.UTC(2026, 11, 6, 16), deadlineAt: Date.UTC(2026, 11, 14, 16) - 1 })
    expect(campaignTimes({ startDay: '', deadlineDay: '2026-12-14' }, ZONE)).toBeNull()
  })

  it('sends trimmed title, the items, the selection (no tags for buildings) and the copied checklist', () => {
    const e = { ...blankCampaign(C1, NOW, ZONE), title: ' 冬季走访 ', items: [{ ...blankItem('visit', []), label: '取暖安全' }], gridIds: [G1], tags: ['living_alone_elder' as const] }
    const body = toDraftBody(e, ZONE)
    expect(body).toMatchObject({ communityId: C1, title: '冬季走访', selection: { kind: 'household', gridIds: [G1], tags: ['living_alone_elder'], compounds: [], buildingIds: [] } })
    expect(body.items).toEqual([{ id: e.items[0]!.id, label: '取暖安全', category: '', required: true, kind: 'yesno' }])
    expect(body).not.toHaveProperty('sourceChecklistId')
    const b = toDraftBody({ ...e, kind: 'building', sourceChecklistId: G2 }, ZONE)
    expect(b.selection.tags).toEqual([])
    expect(b.sourceChecklistId).toBe(G2)
  })

  it('reads a saved draft back as it was entered', () => {
    const c = campaign('05', { status: 'draft', sourceChecklistId: G2 })
    const e = toEditableCampaign(c, ZONE)
    expect(e).toMatchObject({ title: '燃气安全排查', startDay: '2026-12-07', deadlineDay: '2026-12-14', gridIds: [G1], tags: ['living_alone_elder'], sourceChecklistId: G2 })
    const body = toDraftBody(e, ZONE)
    expect([body.startAt, body.deadlineAt, body.items]).toEqual([c.startAt, c.deadlineAt, c.items])
  })

  it('says in Chinese what is wrong, the shared rules first, item problems by number', () => {
    const e = blankCampaign(C1, NOW, ZONE)
    expect(campaignFormProblems(e, NOW, ZONE)).toEqual(['请填写专项排查的标题', '检查表至少要有一项'])
    const backwards = { ...e, title: '排查', items: [{ ...blankItem('visit', []), label: '' }], startDay: '2026-12-10', deadlineDay: '2026-12-08' }
    const problems = campaignFormProblems(backwards, NOW, ZONE)
    expect(problems[0]).toBe('截止时间要晚于开始时间')
    expect(problems.some((p) => p.startsWith('第 1 项：'))).toBe(true)
    expect(campaignFormProblems({ ...backwards, startDay: '2026-12-01', deadlineDay: '2026-12-03' }, NOW, ZONE)).toContain('截止时间已过，请重新设置')
    expect(campaignFormProblems({ ...e, title: '排查', items: [{ ...blankItem('visit', []), label: '燃气' }], deadlineDay: '' }, NOW, ZONE)).toEqual(['请选择开始日期和截止日期'])
    expect(campaignFormProblems({ ...e, title: '排查', items: [{ ...blankItem('visit', []), label: '燃气' }] }, NOW, ZONE)).toEqual([])
  })
})

describe('progress', () => {
  const answer: ProgressAnswer = {
    campaign: campaign('06'),
    overall: counts(7, 3, 1, 1),
    grids: [{ gridId: G1, gridName: '第一网格', ...counts(4, 3, 1) }, { gridId: G2, gridName: '第二网格', ...counts(3, 0, 0, 1) }],
    // 王 has done more than 李, 张 less: the rows must come by name whatever their figures.
    workers: [{ workerId: 'w3', ...counts(4, 3, 1) }, { workerId: 'w1', ...counts(3, 0) }, { workerId: 'w2', ...counts(4, 4) }],
  }

  it('shares per state, rounded down like the overall figure', () => {
    expect(statePercents(counts(3, 1, 1, 1))).toEqual({ done: '33%', not_home: '33%', refused: '33%', not_yet: '0%' })
    expect(statePercents(counts(0, 0))).toEqual({ done: '0%', not_home: '0%', refused: '0%', not_yet: '0%' })
    expect(gridRows(answer).map((r) => [r.name, r.total, r.percents.done])).toEqual([['第一网格', 4, '75%'], ['第二网格', 3, '0%']])
  })

  it('workers in name order, never by their figures', () => {
    const names = new Map([['w1', '张伟'], ['w2', '李娜'], ['w3', '王芳']])
    expect(workerRows(answer, names).map((r) => r.name)).toEqual(['李娜', '王芳', '张伟'])
  })

  it('催办 names the grids not done; the buttons follow the state', () => {
    expect(gridsBehind(answer)).toEqual(['第一网格', '第二网格'])
    expect(gridsBehind({ ...answer, grids: [{ gridId: G1, gridName: '第一网格', ...counts(2, 2) }] })).toEqual([])
    expect(campaignActions('draft')).toEqual({ edit: true, publish: true, remind: false, close: false, exportXlsx: false })
    expect(campaignActions('published')).toEqual({ edit: false, publish: false, remind: true, close: true, exportXlsx: true })
    expect(campaignActions('closed')).toEqual({ edit: false, publish: false, remind: false, close: false, exportXlsx: true })
  })
})

describe('small things', () => {
  it('answers, file names and 小区', () => {
    expect([answerValue(true), answerValue(false), answerValue(null), answerValue(''), answerValue(3), answerValue('有隐患')]).toEqual(['是', '否', '—', '—', '3', '有隐患'])
    expect(exportFileName('燃气/电动车 排查')).toBe('燃气_电动车 排查.xlsx')
    expect(exportFileName(' ')).toBe('专项排查.xlsx')
    expect(compoundsOf([{ compound: '幸福小区 ' }, { compound: '10号院' }, { compound: '2号院' }, { compound: '幸福小区' }, { compound: '' }])).toEqual(['2号院', '10号院', '幸福小区'])
  })
})
