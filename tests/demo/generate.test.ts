import { beforeAll, describe, expect, it } from 'vitest'
import { generateCommunity, DEMO_NOW, type DemoCommunity } from '../../demo/generate'
import { summarize } from '../../demo/summary'
import { parseArgs } from '../../demo/cli'
import { safeParseRecord, type EntityName, type Grid, type Household } from '@/domain/entities'
import { HOUSEHOLD_TAGS } from '@/domain/constants'
import { formatHlc } from '@/domain/hlc'
import { UUID_RE } from '@/domain/ids'
import { checkIssueEvent, deriveIssueState } from '@/domain/issueState'

let demo: DemoCommunity
/** The first community alone, as generated without the second. */
let first: DemoCommunity

beforeAll(() => {
  demo = generateCommunity()
  first = generateCommunity({ secondCommunity: false })
})

/** The community (grid record) a record of the demo belongs to. */
function communityOf(c: DemoCommunity, gridId: string): Grid {
  const grids = new Map(c.records.grids.map((g) => [g.id, g]))
  return grids.get(grids.get(gridId)!.communityId)!
}

type Ring = [number, number][]

/** Ray casting; points exactly on an edge count as inside (shared boundaries). */
function inPolygon([x, y]: [number, number], ring: Ring): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]
    const [xj, yj] = ring[j]
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

interface Box { w: number; s: number; e: number; n: number }

/** The grid's boundary as a box, after checking it really is a closed axis-aligned rectangle. */
function rectOf(g: Grid): Box {
  const ring = g.boundary!.coordinates[0]
  expect(ring).toHaveLength(5)
  expect(ring[4]).toEqual(ring[0])
  const xs = new Set(ring.map((p) => p[0]))
  const ys = new Set(ring.map((p) => p[1]))
  expect(xs.size).toBe(2)
  expect(ys.size).toBe(2)
  const [w, e] = [...xs].sort((a, b) => a - b)
  const [s, n] = [...ys].sort((a, b) => a - b)
  expect(e).toBeGreaterThan(w)
  expect(n).toBeGreaterThan(s)
  return { w, s, e, n }
}

const area = (b: Box): number => (b.e - b.w) * (b.n - b.s)
const overlap = (a: Box, b: Box): number =>
  Math.max(0, Math.min(a.e, b.e) - Math.max(a.w, b.w)) * Math.max(0, Math.min(a.n, b.n) - Math.max(a.s, b.s))

/** Children tile the parent: inside it, pairwise disjoint, areas add up to the parent's. */
function expectTiling(parent: Box, children: Box[]): void {
  for (const c of children) {
    expect(c.w).toBeGreaterThanOrEqual(parent.w)
    expect(c.e).toBeLessThanOrEqual(parent.e)
    expect(c.s).toBeGreaterThanOrEqual(parent.s)
    expect(c.n).toBeLessThanOrEqual(parent.n)
  }
  for (let i = 0; i < children.length; i++) {
    for (let j = i + 1; j < children.length; j++) expect(overlap(children[i], children[j])).toBeLessThan(area(parent) * 1e-9)
  }
  const total = children.reduce((sum, c) => sum + area(c), 0)
  expect(Math.abs(total - area(parent)) / area(parent)).toBeLessThan(1e-6)
}

const ageIn = (year: number, birthYear: number | null): number => year - (birthYear ?? year)
const YEAR = new Date(DEMO_NOW + 8 * 3600_000).getUTCFullYear()

function invalidRecords(c: DemoCommunity): string[] {
  const bad: string[] = []
  for (const entity of Object.keys(c.records) as EntityName[]) {
    for (const record of c.records[entity]) {
      const r = safeParseRecord(entity, record)
      if (!r.ok) bad.push(`${entity} ${(record as { id: string }).id}: ${r.message}`)
    }
  }
  return bad
}

describe('demo community generator', () => {
  it('is deterministic for the same options and differs for another seed or time', () => {
    const again = generateCommunity()
    expect(JSON.stringify(again)).toBe(JSON.stringify(demo))
    const other = generateCommunity({ seed: 42 })
    expect(other.communityId).not.toBe(demo.communityId)
    expect(other.records.households.map((h) => h.headName)).not.toEqual(demo.records.households.map((h) => h.headName))
    const later = generateCommunity({ now: DEMO_NOW + 86_400_000 })
    expect(later.records.households[0].hlc).not.toBe(demo.records.households[0].hlc)
  })

  it('keeps the first community the same with or without the second one', () => {
    for (const entity of Object.keys(first.records) as EntityName[]) {
      const ids = new Set(first.records[entity].map((r) => r.id))
      expect(JSON.stringify(demo.records[entity].filter((r) => ids.has(r.id))), entity).toBe(JSON.stringify(first.records[entity]))
    }
    expect(demo.communityId).toBe(first.communityId)
    expect(demo.communityIds).toEqual([first.communityId, expect.any(String)])
  })

  it('has a second, small community 苏州路社区 with its own supervisor and two workers', () => {
    const c2 = demo.communityIds[1]
    const inC2 = (gridId: string) => communityOf(demo, gridId).id === c2
    const community = demo.records.grids.find((g) => g.id === c2)!
    expect(community).toMatchObject({ level: 'community', name: '水集街道苏州路社区', parentId: null })
    const grids = demo.records.grids.filter((g) => g.communityId === c2 && g.level === 'grid')
    expect(grids).toHaveLength(2)
    for (const g of grids) expect(demo.records.grids.filter((m) => m.parentId === g.id && m.level === 'micro').length).toBeGreaterThan(3)
    const households = demo.records.households.filter((h) => inC2(h.gridId))
    expect(households).toHaveLength(500)
    expect(households.every((h) => h.address.startsWith('莱西市水集街道苏州路社区 '))).toBe(true)
    expect(new Set(demo.records.buildings.filter((b) => inC2(b.gridId)).map((b) => b.compound)).size).toBe(2)
    const accounts = demo.accounts.slice(21)
    expect(accounts.map((a) => [a.username, a.role])).toEqual([['supervisor2', 'supervisor'], ['worker21', 'worker'], ['worker22', 'worker']])
    const users = new Map(demo.records.users.map((u) => [u.id, u]))
    expect(users.get(accounts[0].userId)!.gridIds).toEqual([c2])
    expect(accounts.slice(1).map((a) => users.get(a.userId)!.gridIds[0]).sort()).toEqual(grids.map((g) => g.id).sort())
    // everything of the second community stays in it: visits, patrols, issues and their people
    for (const v of demo.records.visits.filter((x) => inC2(x.gridId))) expect(users.get(v.workerId)!.gridIds.some((g) => communityOf(demo, g).id === c2)).toBe(true)
    expect(demo.records.issues.filter((i) => inC2(i.gridId)).length).toBeGreaterThan(0)
    expect(demo.records.patrols.filter((p) => inC2(p.gridId))).toHaveLength(2)
    // side by side on the map, not overlapping
    const a = rectOf(demo.records.grids.find((g) => g.id === demo.communityId)!)
    const b = rectOf(community)
    expect(overlap(a, b)).toBe(0)
    expect(b.w).toBeGreaterThan(a.e)
    // numbered after the first community's workers, whatever its size
    const big = generateCommunity({ households: 5000 })
    const workers = big.accounts.filter((x) => x.role === 'worker').map((x) => x.username)
    expect(new Set(workers).size).toBe(workers.length)
    expect(big.accounts.at(-3)!.username).toBe('supervisor2')
  })

  it('has the scale of the seed community', () => {
    const s = summarize(first)
    expect(s.compounds).toBe(7)
    expect(s.counts.households).toBeGreaterThanOrEqual(3200)
    expect(s.counts.households).toBeLessThanOrEqual(3400)
    expect(s.members).toBeGreaterThanOrEqual(6500)
    expect(s.members).toBeLessThanOrEqual(7500)
    expect(s.gridsByLevel).toMatchObject({ community: 1, grid: 8 })
    expect(s.gridsByLevel.micro).toBeGreaterThanOrEqual(110)
    expect(s.gridsByLevel.micro).toBeLessThanOrEqual(130)
    expect(demo.accounts).toHaveLength(24)
    expect(demo.accounts.map((a) => a.username)).toEqual([
      'supervisor', ...Array.from({ length: 20 }, (_, i) => `worker${String(i + 1).padStart(2, '0')}`), 'supervisor2', 'worker21', 'worker22',
    ])
    expect(first.accounts.filter((a) => a.role === 'worker')).toHaveLength(20)
    expect(s.counts.checklists).toBe(2)
    expect(s.counts.visits).toBeGreaterThan(0)
    expect(s.counts.issues).toBeGreaterThan(0)
  })

  it('produces only records that pass their schema, with unique UUIDv7 ids and the demo HLC stamp', () => {
    expect(invalidRecords(demo)).toEqual([])
    const ids = Object.values(demo.records).flatMap((list) => list.map((r) => r.id))
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) {
      expect(id).toMatch(UUID_RE)
      expect(id[14]).toBe('7')
    }
    const hlc = formatHlc({ wall: DEMO_NOW, counter: 0, node: 'demo' })
    expect(Object.values(demo.records).every((list) => list.every((r) => r.hlc === hlc && r.deleted === false))).toBe(true)
    expect(demo.accounts.every((a) => demo.records.users.some((u) => u.id === a.userId && u.role === a.role))).toBe(true)
  })

  it('tiles each community with grids and each grid with micro-grids, around Laixi', () => {
    const communities = demo.records.grids.filter((g) => g.level === 'community')
    expect(communities.map((c) => c.id)).toEqual(demo.communityIds)
    for (const community of communities) {
      expect(community.parentId).toBeNull()
      const grids = demo.records.grids.filter((g) => g.level === 'grid' && g.communityId === community.id)
      const c = rectOf(community)
      expect(c.s).toBeGreaterThan(36.8)
      expect(c.n).toBeLessThan(36.95)
      expect(c.w).toBeGreaterThan(120.45)
      expect(c.e).toBeLessThan(120.58)
      expect(grids.every((g) => g.parentId === community.id)).toBe(true)
      expectTiling(c, grids.map(rectOf))
      for (const grid of grids) {
        const micros = demo.records.grids.filter((g) => g.parentId === grid.id)
        expect(micros.every((m) => m.level === 'micro' && m.communityId === community.id)).toBe(true)
        expectTiling(rectOf(grid), micros.map(rectOf))
      }
    }
    expect(new Set(demo.records.grids.map((g) => g.code)).size).toBe(demo.records.grids.length)
  })

  it('places every building (and its footprint) inside its micro-grid, and households with their building', () => {
    const gridById = new Map(demo.records.grids.map((g) => [g.id, g]))
    const buildingById = new Map(demo.records.buildings.map((b) => [b.id, b]))
    for (const b of demo.records.buildings) {
      const micro = gridById.get(b.gridId)!
      expect(micro.level).toBe('micro')
      const ring = micro.boundary!.coordinates[0] as Ring
      expect(inPolygon(b.location, ring)).toBe(true)
      for (const corner of b.footprint!.coordinates[0]) expect(inPolygon(corner as [number, number], ring)).toBe(true)
    }
    // A point outside is seen as outside: the check above can fail.
    const anyMicro = demo.records.grids.find((g) => g.level === 'micro')!
    expect(inPolygon([121, 37], anyMicro.boundary!.coordinates[0] as Ring)).toBe(false)
    const rooms = new Set<string>()
    for (const h of demo.records.households) {
      const b = buildingById.get(h.buildingId!)!
      expect(h.gridId).toBe(b.gridId)
      expect(Number(h.unit)).toBeGreaterThanOrEqual(1)
      expect(Number(h.unit)).toBeLessThanOrEqual(b.units)
      expect(Math.floor(Number(h.room) / 100)).toBeLessThanOrEqual(b.floors)
      expect(h.address).toBe(`莱西市${communityOf(demo, h.gridId).name} ${b.compound} ${b.name}${h.unit}单元${h.room}室`)
      rooms.add(h.address)
    }
    expect(rooms.size).toBe(demo.records.households.length)
  })

  it('assigns 2–3 workers to every grid of the first community (one in the second), consistently on both sides', () => {
    const users = new Map(demo.records.users.map((u) => [u.id, u]))
    const grids = demo.records.grids.filter((g) => g.level === 'grid')
    for (const g of grids) {
      const [min, max] = g.communityId === demo.communityId ? [2, 3] : [1, 1]
      expect(g.workerIds.length).toBeGreaterThanOrEqual(min)
      expect(g.workerIds.length).toBeLessThanOrEqual(max)
      for (const w of g.workerIds) expect(users.get(w)).toMatchObject({ role: 'worker', gridIds: [g.id] })
    }
    expect(grids.reduce((n, g) => n + g.workerIds.length, 0)).toBe(22)
    const supervisors = demo.records.users.filter((u) => u.role === 'supervisor')
    expect(supervisors.map((u) => u.gridIds)).toEqual(demo.communityIds.map((c) => [c]))
    expect(demo.records.grids.filter((g) => g.level === 'micro').every((m) => m.workerIds.length === 0)).toBe(true)
  })

  it('carries tags in the shares of HOUSEHOLD_TAGS, consistent with the members', () => {
    const s = summarize(demo)
    const n = s.counts.households
    for (const tag of HOUSEHOLD_TAGS) {
      const share = s.householdTags[tag.code] / n
      expect(Math.abs(share - tag.share), `${tag.code}: ${share}`).toBeLessThanOrEqual(Math.max(0.012, tag.share * 0.3))
    }
    const ages = (h: Household) => h.members.map((m) => ageIn(YEAR, m.birthYear))
    for (const h of demo.records.households) {
      if (h.tags.includes('living_alone_elder')) {
        expect(h.members).toHaveLength(1)
        expect(ages(h)[0]).toBeGreaterThanOrEqual(65)
      }
      if (h.tags.includes('empty_nest_elder')) expect(Math.min(...ages(h))).toBeGreaterThanOrEqual(60)
      expect(h.tags.includes('advanced_age')).toBe(ages(h).some((a) => a >= 80))
      const memberTags = new Set(h.members.flatMap((m) => m.tags))
      for (const t of memberTags) expect(h.tags).toContain(t)
      expect(h.members[0].relation).toBe('户主')
      expect(h.headName).toBe(h.members[0].name)
    }
    // Tagged households carry the 五清 texts; most untagged ones are blank.
    const tagged = demo.records.households.filter((h) => h.tags.includes('living_alone_elder'))
    expect(tagged.every((h) => h.situation !== '' && h.health !== '')).toBe(true)
    const blank = demo.records.households.filter((h) => h.tags.length === 0 && !h.situation && !h.needs)
    expect(blank.length).toBeGreaterThan(n / 3)
    expect(demo.records.households.filter((h) => h.cadenceDays != null).length).toBeLessThan(n * 0.05)
  })

  it('never holds a full ID number, and phones are in the virtual 170/171 ranges', () => {
    const members = demo.records.households.flatMap((h) => h.members)
    for (const m of members) {
      expect(m.idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/)
      if (m.phone) expect(m.phone).toMatch(/^17[01]\d{8}$/)
    }
    expect(members.filter((m) => m.idNumber.startsWith('370285')).length).toBeGreaterThan(members.length * 0.85)
    for (const h of demo.records.households) expect(h.phone).toMatch(/^17[01]\d{8}$/)
    for (const u of demo.records.users) expect(u.phone).toMatch(/^17[01]\d{8}$/)
  })

  it('has checklists for 日日巡 and for visits with the five facts (五清)', () => {
    const patrol = demo.records.checklists.find((c) => c.kind === 'patrol')!
    expect(patrol).toMatchObject({ name: '日日巡检查表', version: 1 })
    expect(patrol.items.every((i) => i.kind === 'status')).toBe(true)
    expect(patrol.items.map((i) => i.label).join()).toMatch(/消防通道.*电动车.*环境卫生.*违章搭建/)
    const visit = demo.records.checklists.find((c) => c.kind === 'visit')!
    const five = visit.items.filter((i) => i.category === '五清').map((i) => i.label.split('：')[0])
    expect(five).toEqual(['住址清', '联系方式清', '健康状况清', '家庭情况清', '诉求需求清'])
  })

  it('links past visits, patrols and issues to the right grid, worker and time', () => {
    const households = new Map(demo.records.households.map((h) => [h.id, h]))
    const gridById = new Map(demo.records.grids.map((g) => [g.id, g]))
    const twoWeeksAgo = DEMO_NOW - 15 * 86_400_000
    const assigned = (workerId: string, gridId: string): boolean => {
      const grid = gridById.get(gridId)!
      const parent = grid.level === 'micro' ? gridById.get(grid.parentId!)! : grid
      return parent.workerIds.includes(workerId)
    }
    for (const v of demo.records.visits) {
      const h = households.get(v.householdId)!
      expect(v.gridId).toBe(h.gridId)
      expect(assigned(v.workerId, v.gridId)).toBe(true)
      expect(v.startedAt).toBeGreaterThan(twoWeeksAgo)
      expect(v.endedAt).toBeLessThan(DEMO_NOW)
      expect(v.endedAt).toBeGreaterThan(v.startedAt)
    }
    for (const p of demo.records.patrols) {
      expect(assigned(p.workerId, p.gridId)).toBe(true)
      const points = demo.records.trackSegments.filter((t) => t.patrolId === p.id).flatMap((t) => t.points)
      expect(points).toHaveLength(p.pointCount)
      expect(points.every((pt, i) => i === 0 || pt[0] > points[i - 1][0])).toBe(true)
    }
    for (const issue of demo.records.issues) {
      const events = demo.records.issueEvents.filter((e) => e.issueId === issue.id)
      expect(events[0]).toMatchObject({ type: 'reported', actorId: issue.reportedBy, at: issue.reportedAt })
      expect(events.filter((e) => e.type === 'reported')).toHaveLength(1)
      expect(events.every((e, i) => i === 0 || e.at > events[i - 1].at)).toBe(true)
      expect(events.every((e) => e.at < DEMO_NOW && e.at > twoWeeksAgo)).toBe(true)
      if (issue.householdId) expect(households.get(issue.householdId)).toBeDefined()
      expect(gridById.get(issue.gridId)?.level).toBe('micro')
    }
  })

  it('writes issue events that the issue rules accept, by the people allowed to write them', () => {
    const roles = new Map(demo.records.users.map((u) => [u.id, u.role]))
    const statuses = new Set<string>()
    for (const issue of demo.records.issues) {
      const events = demo.records.issueEvents.filter((e) => e.issueId === issue.id)
      events.forEach((e, i) => {
        const reason = checkIssueEvent(events.slice(0, i), e, { id: e.actorId, role: roles.get(e.actorId)! }, issue.level)
        expect(reason, `${issue.title} ${e.type}`).toBeNull()
      })
      statuses.add(deriveIssueState(events).status)
    }
    // The board shows a mix: some still open, some closed.
    expect(statuses.has('closed')).toBe(true)
    expect([...statuses].some((s) => s === 'reported' || s === 'assigned' || s === 'accepted')).toBe(true)
  })

  it('scales to a street office of 20,000 households', () => {
    // Its speed is measured by the benchmarks (they generate this community), not asserted here.
    const big = generateCommunity({ households: 20_000, secondCommunity: false })
    const s = summarize(big)
    expect(s.counts.households).toBe(20_000)
    expect(s.members).toBeGreaterThan(40_000)
    expect(s.members).toBeLessThan(46_000)
    expect(s.gridsByLevel.grid).toBeGreaterThanOrEqual(40)
    expect(s.gridsByLevel.micro).toBeGreaterThanOrEqual(600)
    expect(s.compounds).toBeGreaterThanOrEqual(35)
    expect(new Set(big.accounts.map((a) => a.username)).size).toBe(big.accounts.length)
    expect(invalidRecords(big)).toEqual([])
  })

  it('handles tiny communities and rejects nonsense sizes', () => {
    const tiny = generateCommunity({ households: 1, secondCommunity: false })
    expect(tiny.records.households).toHaveLength(1)
    expect(invalidRecords(tiny)).toEqual([])
    expect(() => generateCommunity({ households: 0 })).toThrow(RangeError)
    expect(() => generateCommunity({ households: 2.5 })).toThrow(RangeError)
  })

  it('parses the CLI options', () => {
    expect(parseArgs(['--households', '20000', '--seed', '3', '--out', 'x.json'])).toEqual({ households: 20000, seed: 3, out: 'x.json' })
    expect(() => parseArgs(['--households', 'many'])).toThrow(/integer/)
    expect(() => parseArgs(['--bogus', '1'])).toThrow(/unknown/)
  })
})
