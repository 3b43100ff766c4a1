/**
 * The answers of the supervisor console's endpoints (控制台: server/supervisor, server/reports),
 * written once: the server modules build them and the console's views read them, so a field
 * added or renamed on one side is a type error on the other. Types only — no DOM, no Node.
 */
import type { Issue } from './entities'
import type { IssueStatus } from './issueState'

/** A grid of the tree as the console draws it (the grids record without its sync fields). */
export interface GridNode {
  id: string
  name: string
  level: 'community' | 'grid' | 'micro'
  parentId: string | null
  code: string
  boundary: { type: 'Polygon'; coordinates: [number, number][][] } | null
}

export interface ConsoleWorker {
  id: string
  name: string
  gridIds: string[]
}

/** GET /api/supervisor/overview */
export interface Overview {
  grids: GridNode[]
  workers: ConsoleWorker[]
  now: number
}

/** A visit or an issue of a walk, drawn on its track (轨迹回放). */
export interface TrackPin {
  kind: 'visit' | 'issue'
  id: string
  at: number
  lng: number
  lat: number
  label: string
}

/** One patrol of GET /api/supervisor/tracks. */
export interface PatrolReplay {
  id: string
  workerId: string
  workerName: string
  gridId: string
  gridName: string
  startedAt: number
  endedAt: number | null
  coverage: {
    buildingsPassed: number
    buildingsTotal: number
    checklistDone: number
    checklistTotal: number
    problems: number
  }
  durationMs: number
  distanceM: number
  pointCount: number
  /** [time, lng, lat], simplified for drawing. */
  track: [number, number, number][]
  stops: { from: number; to: number; lng: number; lat: number }[]
  gaps: { from: number; to: number; reason: string | null }[]
  pins: TrackPin[]
}

/** One (grid, day) of 日日巡. */
export interface DailyCell {
  day: string
  patrols: number
  workerIds: string[]
  /** Share of checklist points answered by the most complete patrol of the day (0–1), null without patrol. */
  coverage: number | null
}

export interface DailyGrid {
  gridId: string
  gridName: string
  cells: DailyCell[]
  /** Days up to today (`counted` of them) without any patrol; days still to come are no gap. */
  gaps: number
  /** Days of the window up to and including today: the "of N days" of "N 天中 gaps 天未巡". */
  counted: number
}

/** GET /api/supervisor/daily */
export interface DailyAnswer {
  days: string[]
  /** Today in the community's calendar ('YYYY-MM-DD'): its cell may still fill. */
  today: string
  grids: DailyGrid[]
  workers: { id: string; name: string }[]
}

export interface CoverageCounts {
  households: number
  due: number
  visited: number
  overdue: number
}

export interface OverdueHousehold {
  id: string
  gridId: string
  address: string
  headName: string
  tags: string[]
  special: boolean
  lastVisitAt: number | null
  daysOverdue: number
}

/** GET /api/supervisor/coverage (走访覆盖). */
export interface CoverageAnswer {
  from: number
  to: number
  totals: CoverageCounts & { visits: number }
  grids: (CoverageCounts & { gridId: string; gridName: string })[]
  workers: (CoverageCounts & { workerId: string; workerName: string; visits: number; householdsVisited: number })[]
  buildings: (CoverageCounts & { buildingId: string; name: string; compound: string; location: [number, number] })[]
  overdue: OverdueHousehold[]
}

/** An issue as 事件督办 lists it: status derived from its events, its 7135 deadline. */
export interface SupervisedIssue {
  id: string
  title: string
  type: Issue['type']
  category: Issue['category']
  gridId: string
  gridName: string
  level: Issue['level']
  status: IssueStatus | 'none'
  assigneeId: string | null
  reportedAt: number
  deadline: number
  resolvedAt: number | null
  overdue: boolean
  onTime: boolean | null
  rating: number | null
}

/** GET /api/supervisor/issues */
export interface IssuesAnswer {
  issues: SupervisedIssue[]
  byStatus: Record<string, number>
  levels: { level: Issue['level']; total: number; judged: number; onTime: number; onTimeRate: number | null }[]
  averageRating: number | null
  ratings: number
}

/** GET /api/reports/weekly (周报), the JSON form. */
export interface WeeklyAnswer {
  week: string
  from: number
  to: number
  days: string[]
  issues: {
    found: number
    closed: number
    stillOpen: number
    byCategory: { category: string; label: string; found: number; closed: number }[]
    open: { id: string; title: string; category: string; gridName: string; reportedAt: number; status: string }[]
  }
  visits: { total: number; byOutcome: Record<'met' | 'absent' | 'refused', number>; byChannel: Record<'door' | 'phone', number> }
  patrols: { gridId: string; gridName: string; patrols: number; daysPatrolled: number; days: number; coverage: number | null }[]
}
