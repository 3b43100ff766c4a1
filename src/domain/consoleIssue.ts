/**
 * One issue as the console's 事件督办 detail view reads it (GET /api/supervisor/issues/:id): the
 * record, its row of the board, every event in the order the server accepted them (DESIGN §4), the
 * names of the people in it and its place in words. One zod schema: the server's route answers
 * through it and the console parses with it, so both ends agree at run time as well.
 */
import { z } from 'zod'
import { idSchema, issueEventSchema, issueLevelSchema, issueSchema, issueTypeSchema, timeSchema } from './entities'
import { ISSUE_CATEGORY_CODES } from './constants'
import type { SupervisedIssue } from './console'

export const supervisedIssueSchema = z.object({
  id: idSchema,
  title: z.string(),
  type: issueTypeSchema,
  category: z.enum(ISSUE_CATEGORY_CODES),
  gridId: idSchema,
  gridName: z.string(),
  level: issueLevelSchema,
  status: z.enum(['none', 'reported', 'assigned', 'accepted', 'resolved', 'rated', 'closed']),
  assigneeId: idSchema.nullable(),
  reportedAt: timeSchema,
  deadline: timeSchema,
  resolvedAt: timeSchema.nullable(),
  overdue: z.boolean(),
  onTime: z.boolean().nullable(),
  rating: z.number().nullable(),
})

/**
 * The visit or patrol an issue was raised from (来自), as much as a person needs to recognise it:
 * when, and for a visit the household's address. Read by the phone from its own database and by
 * the console from the server (src/features/issues/issueSource.models.ts turns it into words).
 */
export const issueSourceRecordSchema = z.object({
  kind: z.enum(['visit', 'patrol']),
  id: idSchema,
  /** The visit's or the patrol's start. */
  at: timeSchema,
  householdId: idSchema.nullable(),
  /** The visited household's address (翠湖花园 5号楼 2单元 301); null for a patrol or when unknown. */
  address: z.string().nullable(),
  workerId: idSchema.nullable(),
})

export type IssueSourceRecord = z.infer<typeof issueSourceRecordSchema>

export const consoleIssueDetailSchema = z.object({
  issue: issueSchema,
  summary: supervisedIssueSchema,
  /** Server order (acceptedSeq): the order the status was derived in. */
  events: z.array(issueEventSchema),
  /** userId → name, for everyone the issue and its events name. */
  names: z.record(z.string(), z.string()),
  /** 翠湖花园 5号楼 / the household's address; null when only a map position is known. */
  place: z.string().nullable(),
  /** The visit or patrol it came from; null when the server holds none (or the issue has no such source). */
  source: issueSourceRecordSchema.nullable().optional(),
})

export type ConsoleIssueDetail = z.infer<typeof consoleIssueDetailSchema>

// The board's row type (src/domain/console.ts) and this schema must describe the same thing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
export const SUMMARY_MATCHES_ROW: Same<z.infer<typeof supervisedIssueSchema>, SupervisedIssue> = true
