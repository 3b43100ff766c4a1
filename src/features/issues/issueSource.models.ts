/**
 * 来自: the visit or patrol an issue was raised from, in words a person recognises and as a link
 * to it — never its id. "入户走访 · 翠湖花园 5号楼 2单元 301 · 12月5日", "巡查 · 12月5日 09:10".
 *
 * The phone links a visit to its household's page (the visit timeline holds it) and a patrol to
 * its 巡查小结; the console links a patrol to 轨迹回放 of that worker on that day and has no page
 * for one visit, so a visit reads there as words only. When the record is not at hand (not synced
 * to this phone, or removed), the kind alone is shown, without a link.
 */
import type { RouteLocationRaw } from 'vue-router'
import type { Issue } from '@/domain/entities'
import type { IssueSourceRecord } from '@/domain/consoleIssue'
import { dayOf } from '@/domain/calendar'
import { communityTimeZone, formatCommunityTime, formatDate } from '@/ui/time'

export type { IssueSourceRecord }

export interface IssueSourceView {
  text: string
  /** Where the link goes; null when there is nothing to open. */
  to: RouteLocationRaw | null
}

const KIND_LABELS = {
  visit: { zh: '入户走访', en: 'Household visit' },
  patrol: { zh: '巡查', en: 'Patrol' },
} as const

const isEnglish = (locale: string) => locale.toLowerCase().startsWith('en')

/** The words: kind, then for a visit the address and the day, for a patrol the day and time. */
export function issueSourceText(kind: 'visit' | 'patrol', record: IssueSourceRecord | null, locale: string, now: number): string {
  const parts: string[] = [KIND_LABELS[kind][isEnglish(locale) ? 'en' : 'zh']]
  if (record) {
    // The year only when it is not this year's: "12月5日" is enough for last week's visit.
    const zone = communityTimeZone()
    const year = dayOf(record.at, zone).slice(0, 4) !== dayOf(now, zone).slice(0, 4)
    if (record.kind === 'visit') {
      if (record.address) parts.push(record.address)
      parts.push(formatDate(record.at, locale, { year }))
    } else {
      parts.push(formatCommunityTime(record.at, locale, { year }))
    }
  }
  return parts.join(' · ')
}

/** The phone's 来自: null for an issue not raised from a visit or patrol. */
export function phoneIssueSource(issue: Pick<Issue, 'source' | 'sourceId'>, record: IssueSourceRecord | null, locale: string, now: number): IssueSourceView | null {
  const kind = linkedKind(issue)
  if (!kind) return null
  const own = record && record.kind === kind ? record : null
  let to: RouteLocationRaw | null = null
  if (own?.kind === 'visit' && own.householdId) to = { name: 'ledger-household', params: { id: own.householdId } }
  if (own?.kind === 'patrol') to = { name: 'patrol-summary', params: { id: own.id } }
  return { text: issueSourceText(kind, own, locale, now), to }
}

/** The console's 来自: a patrol opens 轨迹回放 of its worker on its day; null for other sources. */
export function consoleIssueSource(issue: Pick<Issue, 'source' | 'sourceId'>, record: IssueSourceRecord | null, locale: string, now: number): IssueSourceView | null {
  const kind = linkedKind(issue)
  if (!kind) return null
  const own = record && record.kind === kind ? record : null
  const to: RouteLocationRaw | null = own?.kind === 'patrol' && own.workerId
    ? { name: 'console-tracks', query: { worker: own.workerId, day: dayOf(own.at, communityTimeZone()) } }
    : null
  return { text: issueSourceText(kind, own, locale, now), to }
}

function linkedKind(issue: Pick<Issue, 'source' | 'sourceId'>): 'visit' | 'patrol' | null {
  return (issue.source === 'visit' || issue.source === 'patrol') && issue.sourceId ? issue.source : null
}
