/**
 * Pure logic of 事件督办's detail view: which buttons the console shows (the domain's
 * allowedIssueActions, narrowed to the steps the console has forms for), the workers offered for
 * 派单 (the issue's grid first), the 办结 record, and each event of the timeline in words.
 */
import type { ConsoleWorker, GridNode } from '@/domain/console'
import type { ConsoleIssueDetail } from '@/domain/consoleIssue'
import type { IssueEvent, Role } from '@/domain/entities'
import { allowedIssueActions, worksInGrid } from '@/domain/issueRules'
import { foldedEvents, type IssueEventType } from '@/domain/issueState'

/** The board's filters (server/supervisor/issues ISSUE_BOARD_FILTERS); 待处理 is the default. */
export const BOARD_FILTERS = ['active', 'open', 'all'] as const
export type BoardFilter = (typeof BOARD_FILTERS)[number]

/** The steps the console records, in the order of their buttons. */
export const CONSOLE_ACTIONS = ['assigned', 'reminded', 'rated', 'closed', 'reopened'] as const satisfies readonly IssueEventType[]
export type ConsoleAction = (typeof CONSOLE_ACTIONS)[number]

/** What the signed-in person may do now, by the same rules the server judges with. */
export function consoleActions(detail: ConsoleIssueDetail, me: { id: string; role: Role }, now: number): ConsoleAction[] {
  const { issue } = detail
  const allowed = new Set(allowedIssueActions(detail.events, { id: me.id, role: me.role }, { level: issue.level, reportedAt: issue.reportedAt, reportedBy: issue.reportedBy }, now))
  return CONSOLE_ACTIONS.filter((a) => allowed.has(a))
}

/** 派单's choice: the workers of the issue's grid (or the grid above its micro-grid) first. */
export function workersFor(gridId: string, workers: readonly ConsoleWorker[], grids: readonly GridNode[]): { local: ConsoleWorker[]; others: ConsoleWorker[] } {
  const parent = new Map(grids.map((g) => [g.id, g.parentId]))
  const micro = grids.find((g) => g.id === gridId)
  // A worker of the grid serves its micro-grids; one of a micro-grid serves its grid's issues too.
  const home = micro?.level === 'micro' && micro.parentId ? micro.parentId : gridId
  const local: ConsoleWorker[] = []
  const others: ConsoleWorker[] = []
  for (const w of workers) {
    const serves = worksInGrid(w.gridIds, gridId, (id) => parent.get(id)) || w.gridIds.some((g) => g === home || parent.get(g) === home)
    ;(serves ? local : others).push(w)
  }
  return { local, others }
}

/** The 办结 that holds now (the last one folded into the state), with its note and photos. */
export function resolutionOf(detail: ConsoleIssueDetail): IssueEvent | null {
  let last: IssueEvent | null = null
  for (const { event, fits } of foldedEvents(detail.events, detail.issue.level)) {
    if (!fits) continue
    if (event.type === 'resolved') last = event
    if (event.type === 'reopened') last = null
  }
  return last
}

/** A message key under `supervisor.issueDetail.` and its parameters. */
export interface Line {
  key: string
  params?: Record<string, string | number>
}

export interface TimelineEntry {
  id: string
  at: number
  /** Heading: 上报 / 派单 / 督办人催办 … */
  action: Line
  actor: string
  lines: Line[]
  photoIds: string[]
  /** Did not fit the state before it (shown struck through: it changed nothing). */
  void: boolean
}

/** Every event in server order, in words: who, what, to whom, how many stars, the note. */
export function timelineOf(detail: ConsoleIssueDetail, levelLabel: (code: string) => string): TimelineEntry[] {
  const name = (id: string | undefined) => (id ? (detail.names[id] ?? '') : '')
  return foldedEvents(detail.events, detail.issue.level).map(({ event: e, fits }) => {
    const lines: Line[] = []
    if (e.type === 'assigned' && e.data.assigneeId) lines.push({ key: 'assignee', params: { name: name(e.data.assigneeId) } })
    if (e.data.level) lines.push({ key: 'level', params: { level: levelLabel(e.data.level) } })
    if (e.data.rating) lines.push({ key: 'rating', params: { rating: e.data.rating } })
    if (e.data.claimant) lines.push({ key: 'claimant', params: { name: e.data.claimant.name } })
    if (e.data.note) lines.push({ key: 'note', params: { note: e.data.note } })
    return {
      id: e.id,
      at: e.at,
      action: { key: `events.${e.type}` },
      actor: name(e.actorId),
      lines,
      photoIds: e.data.photoIds ?? [],
      void: !fits,
    }
  })
}
