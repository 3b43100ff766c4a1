/** demo/patrols.ts: N days of 日日巡 for the console and its benchmark, deterministic. */
import { describe, expect, it } from 'vitest'
import { DEMO_NOW, generateCommunity } from '../../demo/generate'
import { dayOf } from '@/domain/calendar'
import { findGaps } from '../../server/supervisor/track'
import { parseArgs } from '../../demo/cli'

/** The demo community's calendar day (it lives in Shanghai). */
const day = (t: number) => dayOf(t, 'Asia/Shanghai')

describe('demo patrols', () => {
  const demo = generateCommunity({ households: 400, patrolDays: 14 })
  const workers = demo.records.users.filter((u) => u.role === 'worker')

  it('covers the last N days, everybody yesterday, most workers most days, with gaps', () => {
    const days = new Set(demo.records.patrols.map((p) => day(p.startedAt)))
    expect(days.size).toBe(14)
    expect(days.has(day(DEMO_NOW - 86_400_000))).toBe(true)
    expect(days.has(day(DEMO_NOW))).toBe(false)
    const yesterday = demo.records.patrols.filter((p) => day(p.startedAt) === day(DEMO_NOW - 86_400_000))
    expect(new Set(yesterday.map((p) => p.workerId)).size).toBe(workers.length)
    const share = demo.records.patrols.length / (14 * workers.length)
    expect(share).toBeGreaterThan(0.8)
    expect(share).toBeLessThan(1)
  })

  it('stores every fix once in order, and annotates the gaps it leaves', () => {
    let annotated = 0
    for (const p of demo.records.patrols) {
      const points = demo.records.trackSegments.filter((s) => s.patrolId === p.id).sort((a, b) => a.seq - b.seq).flatMap((s) => s.points)
      expect(points).toHaveLength(p.pointCount)
      expect(points.every((pt, i) => i === 0 || pt[0] > points[i - 1][0])).toBe(true)
      const gaps = findGaps(points, p.gapNotes ?? [])
      expect(gaps.every((g) => g.reason !== null)).toBe(true)
      annotated += gaps.length
    }
    expect(annotated).toBeGreaterThan(0)
  })

  it('is deterministic, and the default demo keeps one day of patrols', () => {
    const again = generateCommunity({ households: 400, patrolDays: 14 })
    expect(again.records.trackSegments).toEqual(demo.records.trackSegments)
    const one = generateCommunity({ households: 400 })
    expect(new Set(one.records.patrols.map((p) => day(p.startedAt)))).toEqual(new Set([day(DEMO_NOW - 86_400_000)]))
    expect(() => generateCommunity({ households: 10, patrolDays: -1 })).toThrow(RangeError)
    expect(parseArgs(['--patrol-days', '90'])).toEqual({ patrolDays: 90 })
  })
})
