/**
 * Deterministic demo communities (DESIGN §1): 香港路社区 of 莱西市水集街道 with 7 compounds,
 * ~3,300 households and ~7,000 residents, 8 grids, ~120 micro-grids and 20 workers; with
 * `households: 20000` the same shape at the scale of a whole street office, for benchmarks.
 * Beside it a second, small community, 苏州路社区 (2 compounds, ~500 households, 2 grids with
 * micro-grids, `supervisor2` and two workers numbered after the first community's), so that
 * scope by community (issue 7) is exercised every day. It draws from random streams of its own:
 * the first community is the same with or without it.
 *
 * Same options → byte-identical output: all randomness comes from seeded PRNGs, ids are UUIDv7
 * built from `now` (or the record's own time) and the seed, and every record carries the same
 * HLC stamp `<now>-00000-demo`.
 *
 * Grid assignment convention: buildings and households carry the id of their MICRO-grid (the
 * smallest cell that contains the building). Workers are assigned GRID-level ids (users.gridIds
 * and grids.workerIds of the grid); scoping by a grid includes its micro-grids, whose own
 * workerIds stay empty. The supervisor's gridIds is [communityId].
 */
import {
  type Building,
  type Checklist,
  type EntityName,
  type EntityTypes,
  type Grid,
  type Household,
  type Issue,
  type IssueEvent,
  type Role,
  type User,
  type Visit,
} from '../src/domain/entities'
import { HOUSEHOLD_TAGS, type HouseholdTag, type IssueCategory } from '../src/domain/constants'
import { formatHlc } from '../src/domain/hlc'
import { createIdFactory, createRng, shuffled, type Rng } from './random'
import { placeBuildings, rectAround, rectPolygon, rowSizes, splitRect, type Rect } from './geo'
import { draftHousehold, staffPerson } from './people'
import { generatePatrols } from './patrols'

export interface DemoCommunity {
  /** The first (large) community. */
  communityId: string
  /** Every community of the demo, the first one first. */
  communityIds: string[]
  records: { [E in EntityName]: EntityTypes[E][] }
  accounts: { username: string; userId: string; role: Role }[]
}

/** 2026-11-01 00:00 UTC (08:00 in Laixi): a fixed "now" so the demo does not drift. */
export const DEMO_NOW = Date.UTC(2026, 10, 1)
export const DEMO_SEED = 7058
export const DEMO_HOUSEHOLDS = 3300

const CITY = '莱西市'
const STREET = '水集街道'
/** Laixi old town, WGS84. */
const CENTER: [number, number] = [120.51, 36.87]

/** What makes one community of the demo what it is. */
interface CommunitySpec {
  name: string
  /** Prefix of every grid code (XGL-01-03). */
  code: string
  center: [number, number]
  households: number
  /** Sizes that differ from those derived from `households`. */
  scale?: Partial<Omit<Scale, 'households'>>
  supervisorUsername: string
  /** Compound names, when not drawn from the common list. */
  compounds?: string[]
  /** Workers are worker01 … in order; the first number and the digits to pad to. */
  firstWorkerNo: number
  workerDigits?: number
}

export const SECOND_COMMUNITY = { name: '苏州路社区', code: 'SZL', households: 500, supervisorUsername: 'supervisor2', compounds: ['姑苏花园', '枫桥雅苑'] }
/** Gap between the two communities on the map, in metres. */
const COMMUNITY_GAP_M = 300

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const SHANGHAI_OFFSET = 8 * HOUR

// Sizes that reproduce the seed community: 3,338 households in 7 compounds, 8 grids, 123 micro-grids.
const HOUSEHOLDS_PER_MICRO = 27
const MICROS_PER_GRID = 15
const HOUSEHOLDS_PER_COMPOUND = 470
const GRID_WIDTH_M = 400
const GRID_HEIGHT_M = 550
/** Share of flats with a household in the ledger (the rest empty, for sale, or offices). */
const OCCUPANCY = 0.88

interface Scale {
  households: number
  grids: number
  micros: number
  compounds: number
  workers: number
}

function scaleFor(households: number, over: CommunitySpec['scale'] = {}): Scale {
  const micros = Math.max(1, Math.round(households / HOUSEHOLDS_PER_MICRO))
  const grids = Math.max(1, Math.round(micros / MICROS_PER_GRID))
  const g = over.grids ?? grids
  return {
    households,
    grids: g,
    micros: Math.max(over.micros ?? micros, g),
    compounds: over.compounds ?? Math.min(micros, Math.max(1, Math.round(households / HOUSEHOLDS_PER_COMPOUND))),
    // Two or three workers per grid, 2.5 on average: 20 for the 8 grids of the seed community.
    workers: over.workers ?? Math.round(g * 2.5),
  }
}

const CN_DIGITS = '零一二三四五六七八九'
/** 1 → 一, 10 → 十, 23 → 二十三; grids are named 第一网格 … as on the community's wall chart. */
function chineseNumber(n: number): string {
  if (n < 10) return CN_DIGITS[n]
  if (n < 20) return `十${n % 10 ? CN_DIGITS[n % 10] : ''}`
  if (n < 100) return `${CN_DIGITS[Math.floor(n / 10)]}十${n % 10 ? CN_DIGITS[n % 10] : ''}`
  return String(n)
}

const COMPOUND_NAMES = ['阳光花园', '水集新村', '锦绣家园', '金岸名苑', '和谐雅居', '泰和嘉园', '书香苑', '翠湖花园', '龙泉小区', '幸福里', '丽景华庭', '康乐小区', '桃源居', '海悦名邸', '润和家园', '祥和小区', '文昌花园', '建设新村', '月湖湾', '绿城兰园']
const COMPOUND_PREFIXES = ['永安', '福泽', '瑞祥', '馨园', '怡和', '德馨', '兴业', '长青', '鑫城', '紫薇', '佳和', '盛世', '春晖', '恒安', '望湖', '昌盛']
const COMPOUND_SUFFIXES = ['花园', '家园', '小区', '雅苑', '华府', '新城', '嘉园', '公寓']

/** Distinct compound names; beyond the hand-written list, prefix × suffix combinations. */
function compoundNames(rng: Rng, count: number): string[] {
  const extra = COMPOUND_PREFIXES.flatMap((p) => COMPOUND_SUFFIXES.map((s) => p + s))
  const all = [...shuffled(rng, COMPOUND_NAMES), ...shuffled(rng, extra)]
  return Array.from({ length: count }, (_, i) => (i < all.length ? all[i] : `${all[i % all.length]}${Math.floor(i / all.length) + 1}期`))
}

type Style = 'old' | 'mid' | 'high'
/** 老旧多层, 2000s 小高层, new high-rise; two flats per floor and stairwell (一梯两户). */
const STYLES: Record<Style, { floors: [number, number]; maxUnits: number }> = {
  old: { floors: [5, 6], maxUnits: 4 },
  mid: { floors: [7, 11], maxUnits: 3 },
  high: { floors: [11, 18], maxUnits: 2 },
}
const FLATS_PER_FLOOR = 2

interface BuildingPlan {
  units: number
  floors: number
}

/** Buildings of one micro-grid: add buildings until the flats reach the target (at most 3). */
function planBuildings(rng: Rng, style: Style, targetFlats: number): BuildingPlan[] {
  const { floors: [minF, maxF], maxUnits } = STYLES[style]
  const plans: BuildingPlan[] = []
  let remaining = targetFlats
  while (plans.length === 0 || (remaining > 6 && plans.length < 3)) {
    const floors = rng.int(minF, maxF)
    const units = Math.min(maxUnits, Math.max(1, Math.round(remaining / (floors * FLATS_PER_FLOOR))))
    plans.push({ units, floors })
    remaining -= units * floors * FLATS_PER_FLOOR
  }
  return plans
}

const capacityOf = (p: BuildingPlan): number => p.units * p.floors * FLATS_PER_FLOOR

/** Midnight in Shanghai `daysAgo` days before the day of `now`. */
function dayStart(now: number, daysAgo: number): number {
  return Math.floor((now + SHANGHAI_OFFSET) / DAY) * DAY - SHANGHAI_OFFSET - daysAgo * DAY
}

/**
 * The demo: the first community with `households` households (default ~3,300) and, unless
 * `secondCommunity` is false, 苏州路社区 beside it. Records of both come in one set;
 * `communityId` is the first community's, `communityIds` lists both. `patrolDays`: days of 日日巡
 * with their tracks (default 1; the console benchmark asks for 90).
 */
export function generateCommunity(
  opts: { seed?: number; households?: number; now?: number; secondCommunity?: boolean; patrolDays?: number } = {},
): DemoCommunity {
  const seed = opts.seed ?? DEMO_SEED
  const now = opts.now ?? DEMO_NOW
  const householdCount = opts.households ?? DEMO_HOUSEHOLDS
  if (!Number.isInteger(householdCount) || householdCount < 1) throw new RangeError(`households must be a positive integer, got ${householdCount}`)
  if (!Number.isInteger(now) || now < 0) throw new RangeError(`now must be whole UTC milliseconds, got ${now}`)
  const patrolDays = opts.patrolDays ?? 1
  if (!Number.isInteger(patrolDays) || patrolDays < 0) throw new RangeError(`patrolDays must be a whole number of days, got ${patrolDays}`)
  const first = new Generator(seed, now, {
    name: '香港路社区', code: 'XGL', center: CENTER, households: householdCount, supervisorUsername: 'supervisor', firstWorkerNo: 1,
  }, patrolDays).run()
  if (opts.secondCommunity === false) return first
  // East of the first community, with a street between them.
  const ring = first.records.grids[0].boundary!.coordinates[0]
  const east = Math.max(...ring.map((p) => p[0]))
  const mPerDegLng = 111_320 * Math.cos((CENTER[1] * Math.PI) / 180)
  const workers = first.accounts.filter((a) => a.role === 'worker').length
  const grids = 2
  const cols = Math.ceil(Math.sqrt(grids * 2))
  const center: [number, number] = [east + (COMMUNITY_GAP_M + (cols * GRID_WIDTH_M) / 2) / mPerDegLng, CENTER[1]]
  const second = new Generator(
    (seed * 31 + 7) >>> 0,
    now,
    {
      ...SECOND_COMMUNITY, center, scale: { grids, compounds: 2, workers: 2 },
      firstWorkerNo: workers + 1, workerDigits: Math.max(2, String(workers).length),
    },
    patrolDays,
    first.records.checklists,
  ).run()
  const records = Object.fromEntries(
    (Object.keys(first.records) as EntityName[]).map((e) => [e, [...first.records[e], ...second.records[e]]]),
  ) as DemoCommunity['records']
  return { communityId: first.communityId, communityIds: [first.communityId, second.communityId], records, accounts: [...first.accounts, ...second.accounts] }
}

interface MicroPlan {
  grid: Grid
  micro: Grid
  cell: Rect
  compound: string
  buildings: BuildingPlan[]
}

/** One generation run; its fields are the state shared by the steps, in the order they run. */
class Generator {
  private readonly rng: Rng
  private readonly newId: (ms: number) => string
  private readonly hlc: string
  private readonly year: number
  private readonly scale: Scale
  private readonly records: DemoCommunity['records'] = {
    grids: [], buildings: [], households: [], visits: [], patrols: [], trackSegments: [], issues: [], issueEvents: [], checklists: [], users: [],
    campaigns: [], campaignTargets: [],
  }
  private readonly accounts: DemoCommunity['accounts'] = []
  private readonly workersByGrid = new Map<string, User[]>()
  private readonly parentOf = new Map<string, string>()
  private readonly buildingById = new Map<string, Building>()
  private supervisor!: User
  private patrolChecklist!: Checklist
  private visitChecklist!: Checklist

  private readonly addressPrefix: string

  constructor(
    private readonly seed: number,
    private readonly now: number,
    private readonly spec: CommunitySpec,
    private readonly patrolDays: number,
    /** Forms are shared by every community: the second one uses the first one's. */
    private readonly sharedChecklists: Checklist[] | null = null,
  ) {
    this.addressPrefix = `${CITY}${STREET}${spec.name}`
    this.rng = createRng(seed)
    // A separate stream for ids, so adding a record type never changes the data drawn after it.
    this.newId = createIdFactory(createRng((seed ^ 0x9e3779b9) >>> 0))
    this.hlc = formatHlc({ wall: now, counter: 0, node: 'demo' })
    this.year = new Date(now + SHANGHAI_OFFSET).getUTCFullYear()
    this.scale = scaleFor(spec.households, spec.scale)
  }

  run(): DemoCommunity {
    const community = this.gridsAndUsers()
    this.checklists()
    const micros = this.planMicros(community)
    this.buildingsAndHouseholds(micros)
    this.visits()
    this.patrols()
    this.issues()
    return { communityId: community.id, communityIds: [community.id], records: this.records, accounts: this.accounts }
  }

  private base(ms = this.now): { id: string; hlc: string; deleted: false } {
    return { id: this.newId(ms), hlc: this.hlc, deleted: false }
  }

  private gridsAndUsers(): Grid {
    const { rng, scale } = this
    const cols = Math.ceil(Math.sqrt(scale.grids * 2))
    const rows = Math.ceil(scale.grids / cols)
    const { code, name } = this.spec
    const area = rectAround(this.spec.center, cols * GRID_WIDTH_M, rows * GRID_HEIGHT_M)
    const base = this.base()
    const community: Grid = {
      ...base, communityId: base.id, parentId: null, level: 'community', name: `${STREET}${name}`, code,
      boundary: rectPolygon(area), workerIds: [],
    }
    this.records.grids.push(community)
    const boss = staffPerson(rng, this.year)
    this.supervisor = { ...this.base(), name: boss.name, role: 'supervisor', gridIds: [community.id], phone: boss.phone }
    this.addUser(this.spec.supervisorUsername, this.supervisor)

    const gridCells = splitRect(rng, area, scale.grids)
    // Workers spread evenly, the grids that get one more drawn at random.
    const perGrid = Math.floor(scale.workers / scale.grids)
    const oneMore = new Set(shuffled(rng, gridCells.map((_, i) => i)).slice(0, scale.workers - perGrid * scale.grids))
    let workerNo = this.spec.firstWorkerNo - 1
    const width = this.spec.workerDigits ?? Math.max(2, String(scale.workers).length)
    gridCells.forEach((cell, i) => {
      const grid: Grid = {
        ...this.base(), communityId: community.id, parentId: community.id, level: 'grid',
        name: `第${chineseNumber(i + 1)}网格`, code: `${code}-${String(i + 1).padStart(2, '0')}`, boundary: rectPolygon(cell), workerIds: [],
      }
      const workers: User[] = []
      for (let k = 0; k < perGrid + (oneMore.has(i) ? 1 : 0); k++) {
        const p = staffPerson(rng, this.year)
        const worker: User = { ...this.base(), name: p.name, role: 'worker', gridIds: [grid.id], phone: p.phone }
        workers.push(worker)
        this.addUser(`worker${String(++workerNo).padStart(width, '0')}`, worker)
      }
      grid.workerIds = workers.map((w) => w.id)
      this.workersByGrid.set(grid.id, workers)
      this.records.grids.push(grid)
    })
    return community
  }

  private addUser(username: string, user: User): void {
    this.records.users.push(user)
    this.accounts.push({ username, userId: user.id, role: user.role })
  }

  private checklists(): void {
    if (this.sharedChecklists) {
      this.patrolChecklist = this.sharedChecklists.find((c) => c.kind === 'patrol')!
      this.visitChecklist = this.sharedChecklists.find((c) => c.kind === 'visit')!
      return
    }
    const status = (id: string, label: string, category: string, required = true) => ({ id, label, category, required, kind: 'status' as const })
    this.patrolChecklist = {
      ...this.base(), kind: 'patrol', name: '日日巡检查表', version: 1,
      items: [
        status('fire_lane', '消防通道是否畅通', '消防安全'),
        status('ebike_charging', '有无电动车违规充电、飞线充电', '消防安全'),
        status('sanitation', '环境卫生、垃圾清运', '环境卫生'),
        status('illegal_construction', '有无违章搭建', '城市管理'),
        status('public_facility', '公共设施（门禁、健身器材）完好', '公共设施'),
        status('security', '治安隐患（围墙、监控、可疑人员）', '治安'),
        status('falling_objects', '高空坠物隐患（阳台杂物、外墙脱落）', '安全'),
        status('manholes_lights', '井盖、路灯完好', '公共设施'),
        status('parking', '车辆乱停乱放', '交通停车', false),
      ],
    }
    this.visitChecklist = {
      ...this.base(), kind: 'visit', name: '入户走访（五清）', version: 1,
      items: [
        { id: 'address', label: '住址清：住址与台账一致', category: '五清', required: true, kind: 'yesno' },
        { id: 'contact', label: '联系方式清：联系电话已核实', category: '五清', required: true, kind: 'yesno' },
        { id: 'health', label: '健康状况清', category: '五清', required: true, kind: 'text' },
        { id: 'family', label: '家庭情况清', category: '五清', required: true, kind: 'text' },
        { id: 'needs', label: '诉求需求清', category: '五清', required: true, kind: 'text' },
        { id: 'safety', label: '用火用电用气安全', category: '安全', required: false, kind: 'yesno' },
        { id: 'policy', label: '已宣传惠民政策、防诈骗知识', category: '宣传', required: false, kind: 'yesno' },
      ],
    }
    this.records.checklists.push(this.patrolChecklist, this.visitChecklist)
  }

  /** Micro-grids of every grid, and which compound (contiguous runs of micro-grids) each holds. */
  private planMicros(community: Grid): MicroPlan[] {
    const { rng, scale } = this
    const grids = this.records.grids.filter((g) => g.level === 'grid')
    const perGrid = shuffled(rng, rowSizes(scale.micros, scale.grids))
    const cells: { grid: Grid; cell: Rect; index: number }[] = []
    grids.forEach((grid, g) => {
      const gridRect = boundsOf(grid)
      splitRect(rng, gridRect, perGrid[g]).forEach((cell, index) => cells.push({ grid, cell, index }))
    })
    const names = this.spec.compounds?.slice(0, scale.compounds) ?? compoundNames(rng, scale.compounds)
    const styles = names.map(() => rng.weighted(STYLE_WEIGHTS))
    const compoundOf: number[] = []
    shuffled(rng, rowSizes(cells.length, scale.compounds)).forEach((n, c) => {
      for (let k = 0; k < n; k++) compoundOf.push(c)
    })
    const meanFlats = scale.households / cells.length / OCCUPANCY
    const plans = cells.map(({ grid, cell, index }, i) => {
      const c = compoundOf[i]
      const micro: Grid = {
        ...this.base(), communityId: community.id, parentId: grid.id, level: 'micro',
        name: `${grid.name}第${chineseNumber(index + 1)}微网格`, code: `${grid.code}-${String(index + 1).padStart(2, '0')}`,
        boundary: rectPolygon(cell), workerIds: [],
      }
      this.records.grids.push(micro)
      this.parentOf.set(micro.id, grid.id)
      const buildings = planBuildings(rng, styles[c], Math.max(2, Math.round(meanFlats * (0.75 + 0.5 * rng.next()))))
      return { grid, micro, cell, compound: names[c], buildings }
    })
    ensureCapacity(plans.flatMap((p) => p.buildings), scale.households)
    return plans
  }

  /**
   * Buildings, then exactly `households` occupied flats chosen uniformly among all flats
   * (selection sampling, Knuth's algorithm S), each with a drafted household.
   */
  private buildingsAndHouseholds(micros: MicroPlan[]): void {
    const { rng } = this
    let flatsLeft = micros.reduce((n, m) => n + m.buildings.reduce((a, b) => a + capacityOf(b), 0), 0)
    let needed = this.scale.households
    const numberInCompound = new Map<string, number>()
    for (const m of micros) {
      const places = placeBuildings(rng, m.cell, m.buildings.map((b) => b.units))
      m.buildings.forEach((plan, i) => {
        const no = (numberInCompound.get(m.compound) ?? 0) + 1
        numberInCompound.set(m.compound, no)
        const building: Building = {
          ...this.base(), gridId: m.micro.id, compound: m.compound, name: `${no}号楼`,
          location: places[i].location, footprint: places[i].footprint, units: plan.units, floors: plan.floors,
        }
        this.records.buildings.push(building)
        this.buildingById.set(building.id, building)
        for (let unit = 1; unit <= plan.units; unit++) {
          for (let floor = 1; floor <= plan.floors; floor++) {
            for (let door = 1; door <= FLATS_PER_FLOOR; door++) {
              const take = rng.next() * flatsLeft < needed
              flatsLeft--
              if (!take) continue
              needed--
              const room = `${floor}${String(door).padStart(2, '0')}`
              this.records.households.push(this.household(building, String(unit), room))
            }
          }
        }
      })
    }
  }

  private household(building: Building, unit: string, room: string): Household {
    const d = draftHousehold(this.rng, this.year)
    // Plain properties rather than `...this.base()`: object spread is slow on this hot path in V8.
    return {
      id: this.newId(this.now), hlc: this.hlc, deleted: false, gridId: building.gridId, buildingId: building.id,
      // unit and room hold the bare numbers ('2', '301'); 单元/室 are added for display, as in the address.
      unit, room, address: `${this.addressPrefix} ${building.compound} ${building.name}${unit}单元${room}室`,
      headName: d.members[0].name, phone: d.phone, members: d.members, tags: d.tags,
      health: d.health, situation: d.situation, needs: d.needs, notes: d.notes, cadenceDays: d.cadenceDays,
    }
  }

  /** A household of the building, preferring one with any of `tags`. */
  private householdFor(households: Household[], tags: HouseholdTag[]): Household | null {
    if (!households.length) return null
    const likely = households.filter((h) => h.tags.some((t) => tags.includes(t)))
    return this.rng.pick(likely.length ? likely : households)
  }

  private workerFor(microOrGridId: string): User {
    const gridId = this.parentOf.get(microOrGridId) ?? microOrGridId
    return this.rng.pick(this.workersByGrid.get(gridId) ?? [this.supervisor])
  }

  /** Daytime (8:00–18:00 in Laixi) on the day `daysAgo` before today. */
  private daytime(daysAgo: number, fromHour = 8, toHour = 18): number {
    return dayStart(this.now, daysAgo) + fromHour * HOUR + Math.floor(this.rng.next() * (toHour - fromHour) * HOUR)
  }

  /**
   * Past visits of the last two weeks for households whose tags ask for a cadence: weekly
   * households mostly on time with some overdue, the others sometimes, so the due-visit list
   * of "today" has a realistic mix.
   */
  private visits(): void {
    const { rng } = this
    const cadenceOf = new Map<string, number>(HOUSEHOLD_TAGS.flatMap((t) => ('cadenceDays' in t ? [[t.code, t.cadenceDays] as [string, number]] : [])))
    for (const h of this.records.households) {
      const cadences = h.tags.map((t) => cadenceOf.get(t)).filter((c): c is number => c !== undefined)
      const cadence = h.cadenceDays ?? (cadences.length ? Math.min(...cadences) : null)
      if (cadence === null) continue
      const days: number[] = []
      if (cadence <= 7) {
        const last = rng.int(1, Math.max(cadence + 3, 4))
        days.push(last)
        for (let d = last + cadence; d <= 14; d += cadence) days.push(d)
      } else if (rng.chance(cadence <= 14 ? 0.7 : 0.3)) {
        days.push(rng.int(1, 14))
      }
      for (const d of days.sort((a, b) => b - a)) this.records.visits.push(this.visit(h, d))
    }
  }

  private visit(h: Household, daysAgo: number): Visit {
    const { rng } = this
    const startedAt = this.daytime(daysAgo, 9, 17)
    const outcome = rng.weighted(OUTCOME_WEIGHTS)
    const met = outcome === 'met'
    const needs = met && rng.chance(0.2) ? rng.pick(VISIT_NEEDS) : ''
    const building = this.buildingById.get(h.buildingId ?? '')
    return {
      id: this.newId(startedAt), hlc: this.hlc, deleted: false, householdId: h.id, gridId: h.gridId, workerId: this.workerFor(h.gridId).id,
      startedAt, endedAt: startedAt + rng.int(5, 25) * MINUTE,
      location: building ? jitterLocation(rng, building.location) : null,
      outcome, checklistId: this.visitChecklist.id, checklistVersion: this.visitChecklist.version,
      answers: met
        ? {
            address: true, contact: true, health: h.health || '身体健康', family: h.situation || '家庭和睦，生活正常',
            needs: needs || '无', safety: rng.chance(0.95), policy: true,
          }
        : {},
      notes: rng.pick(VISIT_NOTES[outcome]), needs, photoIds: [], followUp: needs !== '',
    }
  }

  /** 日日巡 of the last `patrolDays` days (demo/patrols.ts, its own random streams). */
  private patrols(): void {
    const { patrols, trackSegments } = generatePatrols({
      seed: this.seed, now: this.now, days: this.patrolDays, hlc: this.hlc, grids: this.records.grids,
      buildings: this.records.buildings, workersByGrid: this.workersByGrid, checklist: this.patrolChecklist,
    })
    this.records.patrols.push(...patrols)
    this.records.trackSegments.push(...trackSegments)
  }

  /**
   * Issues and micro-wishes of the last two weeks, each with its events: reported by the
   * reporter, then assigned → accepted → arrived → resolved → rated → closed (a wish: claimed
   * with accepted, fulfilled with resolved, rated, closed) as far as its age and luck carry it
   * (older ones further along, a few still open). The steps follow src/domain/issueState.
   */
  private issues(): void {
    const { rng } = this
    const count = Math.max(3, Math.round(this.scale.households / 150))
    const buildings = this.records.buildings
    const householdsOf = new Map<string, Household[]>()
    for (const h of this.records.households) {
      if (!h.buildingId) continue
      const list = householdsOf.get(h.buildingId)
      if (list) list.push(h)
      else householdsOf.set(h.buildingId, [h])
    }
    const metVisits = this.records.visits.filter((v) => v.outcome === 'met')
    const householdById = new Map(this.records.households.map((h) => [h.id, h]))
    const issues: { issue: Issue; daysAgo: number }[] = []
    for (let i = 0; i < count; i++) {
      const wish = rng.chance(0.2)
      const source: Issue['source'] = wish ? 'resident' : rng.weighted(SOURCE_WEIGHTS)
      const visit = source === 'visit' && metVisits.length ? rng.pick(metVisits) : null
      const household = visit ? householdById.get(visit.householdId) ?? null : null
      const building = household?.buildingId ? this.buildingById.get(household.buildingId)! : rng.pick(buildings)
      const category: IssueCategory = wish ? 'micro_wish' : rng.pick(ISSUE_CATEGORY_POOL)
      const daysAgo = visit ? Math.floor((dayStart(this.now, 0) - visit.startedAt) / DAY) + 1 : rng.int(1, 14)
      const reportedAt = visit ? visit.endedAt + rng.int(1, 30) * MINUTE : this.daytime(daysAgo)
      const reporter = source === 'supervisor' ? this.supervisor : visit ? { id: visit.workerId } : this.workerFor(building.gridId)
      const forHousehold = household ?? (category in HOUSEHOLD_CATEGORIES ? this.householdFor(householdsOf.get(building.id) ?? [], HOUSEHOLD_CATEGORIES[category]!) : null)
      const title = rng.pick(ISSUE_TITLES[category])
      const issue: Issue = {
        ...this.base(reportedAt), gridId: building.gridId, householdId: forHousehold?.id ?? null, type: wish ? 'wish' : 'issue',
        source, sourceId: visit?.id ?? null, category, title,
        description: `${building.compound}${building.name}${forHousehold ? forHousehold.unit + '单元' : '附近'}：${title}`,
        location: { ...jitterLocation(rng, building.location) }, photoIds: [],
        level: wish ? 'micro' : rng.weighted(LEVEL_WEIGHTS),
        reportedAt, reportedBy: reporter.id,
      }
      issues.push({ issue, daysAgo })
    }
    issues.sort((a, b) => a.issue.reportedAt - b.issue.reportedAt)
    for (const { issue, daysAgo } of issues) {
      this.records.issues.push(issue)
      this.issueEvents(issue, daysAgo)
    }
  }

  private issueEvents(issue: Issue, daysAgo: number): void {
    const { rng } = this
    const assignee = this.workerFor(issue.gridId)
    const wish = issue.type === 'wish'
    type Step = { type: IssueEvent['type']; actor: string; after: [number, number]; data: IssueEvent['data'] }
    // An issue is dispatched (派单) and accepted (接单); a wish is claimed (认领) straight away.
    const start: Step[] = wish
      ? [{ type: 'accepted', actor: assignee.id, after: [1 * HOUR, 30 * HOUR], data: { note: '已认领' } }]
      : [
          { type: 'assigned', actor: this.supervisor.id, after: [10 * MINUTE, 90 * MINUTE], data: { assigneeId: assignee.id, note: '请尽快处理' } },
          { type: 'accepted', actor: assignee.id, after: [2 * MINUTE, 30 * MINUTE], data: { note: '已接单' } },
          { type: 'arrived', actor: assignee.id, after: [3 * MINUTE, 7 * MINUTE], data: { note: '已到达现场' } },
        ]
    const steps: Step[] = [
      { type: 'reported', actor: issue.reportedBy, after: [0, 0], data: {} },
      ...start,
      { type: 'resolved', actor: assignee.id, after: [1 * HOUR, 20 * HOUR], data: { note: wish ? '心愿已圆梦' : '已处理完毕' } },
      { type: 'rated', actor: this.supervisor.id, after: [1 * HOUR, 24 * HOUR], data: { rating: rng.weighted(RATING_WEIGHTS), note: '电话回访，居民满意' } },
      { type: 'closed', actor: this.supervisor.id, after: [30 * MINUTE, 4 * HOUR], data: { note: '销号' } },
    ]
    // Issues older than ten days are all closed; those of the last days are mostly still open.
    const progress = Math.min(1, rng.next() * 0.5 + daysAgo / 10)
    const reach = Math.max(1, Math.round(progress * steps.length))
    let at = issue.reportedAt
    for (const step of steps.slice(0, reach)) {
      at = officeHours(at + rng.int(step.after[0], step.after[1]), rng)
      if (at >= this.now) break
      const event: IssueEvent = { id: this.newId(at), hlc: this.hlc, deleted: false, issueId: issue.id, type: step.type, actorId: step.actor, at, data: step.data }
      this.records.issueEvents.push(event)
    }
  }
}

/** Workers do not rate or close issues at 3 a.m.: a time outside 8:00–20:00 moves to the next 8:xx. */
function officeHours(at: number, rng: Rng): number {
  const local = at + SHANGHAI_OFFSET
  const hour = Math.floor((local % DAY) / HOUR)
  if (hour >= 8 && hour < 20) return at
  const nextMorning = Math.floor(local / DAY) * DAY + (hour >= 20 ? DAY : 0) + 8 * HOUR - SHANGHAI_OFFSET
  return nextMorning + rng.int(0, 3599) * 1000
}

/** Add floors round-robin until the buildings hold at least `households` flats (tiny or odd scales). */
function ensureCapacity(plans: BuildingPlan[], households: number): void {
  let total = plans.reduce((n, p) => n + capacityOf(p), 0)
  for (let i = 0; total < households; i = (i + 1) % plans.length) {
    plans[i].floors++
    total += plans[i].units * FLATS_PER_FLOOR
  }
}

function boundsOf(grid: Grid): Rect {
  const ring = grid.boundary!.coordinates[0]
  const lngs = ring.map((p) => p[0])
  const lats = ring.map((p) => p[1])
  return { west: Math.min(...lngs), south: Math.min(...lats), east: Math.max(...lngs), north: Math.max(...lats) }
}

/** A phone fix near a point: ±~15 m, with the accuracy the phone would report. */
function jitterLocation(rng: Rng, [lng, lat]: [number, number]): { lat: number; lng: number; accuracy: number } {
  return {
    lng: Math.round((lng + (rng.next() - 0.5) * 0.0003) * 1e6) / 1e6,
    lat: Math.round((lat + (rng.next() - 0.5) * 0.0003) * 1e6) / 1e6,
    accuracy: rng.int(5, 30),
  }
}

// Weight tables are constants so the PRNG's cumulative sums are computed once.
const STYLE_WEIGHTS: [Style, number][] = [['old', 0.45], ['mid', 0.35], ['high', 0.2]]
const OUTCOME_WEIGHTS: [Visit['outcome'], number][] = [['met', 0.86], ['absent', 0.11], ['refused', 0.03]]
const SOURCE_WEIGHTS: [Issue['source'], number][] = [['patrol', 0.45], ['visit', 0.15], ['resident', 0.3], ['supervisor', 0.1]]
const LEVEL_WEIGHTS: [Issue['level'], number][] = [['micro', 0.6], ['grid', 0.3], ['street', 0.1]]
const RATING_WEIGHTS: [number, number][] = [[5, 0.7], [4, 0.25], [3, 0.05]]

const VISIT_NOTES: Record<Visit['outcome'], string[]> = {
  met: ['老人精神状态良好，叮嘱注意防跌倒', '测量血压正常，提醒按时服药', '提醒关好燃气阀门，检查了燃气报警器', '帮助老人清理过期药品', '与子女电话沟通了老人近况', '宣传防诈骗知识，发放宣传册'],
  absent: ['家中无人，已电话联系', '敲门无人应答，已留联系卡'],
  refused: ['住户不便接待，约定改日再访'],
}

const VISIT_NEEDS = ['希望帮忙联系家庭医生上门', '卫生间需要安装扶手', '希望社区组织助餐', '家中水管漏水，需要联系维修', '想了解高龄补贴办理流程']

/** Categories raised by one household, and the tags that make a household the likely one. */
const HOUSEHOLD_CATEGORIES: Partial<Record<IssueCategory, HouseholdTag[]>> = {
  neighbour_dispute: [],
  elder_care: ['living_alone_elder', 'empty_nest_elder', 'advanced_age'],
  social_assistance: ['subsistence', 'hardship', 'disabled'],
  micro_wish: ['living_alone_elder', 'left_behind_child', 'hardship', 'disabled'],
}

const ISSUE_TITLES: Record<IssueCategory, string[]> = {
  fire_safety: ['楼道堆放杂物堵塞消防通道', '灭火器过期未更换'],
  ebike_charging: ['电动车在楼道内充电', '私拉电线给电动车充电'],
  sanitation: ['垃圾桶满溢未及时清运', '绿化带内有建筑垃圾'],
  illegal_construction: ['一楼住户私搭棚屋', '楼顶违规搭建'],
  public_facility: ['单元门禁损坏', '楼道声控灯不亮', '健身器材损坏'],
  public_security: ['小区围墙破损', '监控探头不工作'],
  neighbour_dispute: ['楼上楼下漏水纠纷', '邻居装修噪音扰民'],
  property_service: ['电梯频繁故障', '物业保洁不到位'],
  elder_care: ['独居老人需要助餐服务', '老人希望安装紧急呼叫设备'],
  social_assistance: ['困难家庭申请临时救助'],
  traffic_parking: ['消防通道内乱停车', '小区门口占道停车'],
  micro_wish: ['为孩子申请一套学习用品', '想要一副老花镜', '希望志愿者上门理发', '想学习使用智能手机', '希望有人帮忙修理收音机'],
  other: ['流浪猫较多需处置'],
}
const ISSUE_CATEGORY_POOL = (Object.keys(ISSUE_TITLES) as IssueCategory[]).filter((c) => c !== 'micro_wish')
