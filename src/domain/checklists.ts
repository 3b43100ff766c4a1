/**
 * Checklists (检查表) per community, versioned — the rules phone, console and server share.
 *
 * Versions: ONE record per checklist whose `version` goes up on every publish, with the earlier
 * versions kept in `history` (newest first, bounded). Not one record per version, because:
 *  - visits and patrols point at `checklistId` + `checklistVersion`; with one record the id stays
 *    the same across versions, so the server's reports (coverage joins on checklistId) and the
 *    phone's "current checklist of my community" need no lookup by lineage;
 *  - a phone receives a new version as an ordinary LWW update of a record it already has;
 *  - nothing has to decide which of several records is "the current one".
 * The bound (CHECKLIST_HISTORY_MAX versions) keeps the record small on phones; a record made with
 * a version older than that is shown with the current labels of the items that still exist
 * (itemsForVersion), which is the best that can be done and rare (20 publications of one form).
 */
import type { Checklist, ChecklistItem, ChecklistVersion } from './entities'

export const CHECKLIST_HISTORY_MAX = 20
export const CHECKLIST_ITEMS_MAX = 200
export const CHECKLIST_OPTIONS_MAX = 30

export type ChecklistKind = Checklist['kind']

/** What a person edits: the checklist's name and its items in order. */
export interface ChecklistDraft {
  name: string
  items: ChecklistItem[]
}

export type ChecklistProblemCode =
  | 'name_empty'
  | 'name_long'
  | 'no_items'
  | 'too_many_items'
  | 'item_id_invalid'
  | 'item_id_duplicate'
  | 'label_empty'
  | 'label_long'
  | 'label_duplicate'
  | 'category_long'
  | 'choice_options_few'
  | 'option_empty'
  | 'option_duplicate'
  | 'too_many_options'
  | 'options_not_choice'

export interface ChecklistProblem {
  code: ChecklistProblemCode
  /** Index of the item (0-based) the problem is about; absent for the checklist as a whole. */
  item?: number
}

const ITEM_ID = /^[A-Za-z0-9_-]{1,64}$/

/** Every problem of a draft, in item order; empty when it may be published. */
export function checklistProblems(draft: ChecklistDraft): ChecklistProblem[] {
  const problems: ChecklistProblem[] = []
  const name = draft.name.trim()
  if (!name) problems.push({ code: 'name_empty' })
  else if (name.length > 100) problems.push({ code: 'name_long' })
  if (!draft.items.length) problems.push({ code: 'no_items' })
  if (draft.items.length > CHECKLIST_ITEMS_MAX) problems.push({ code: 'too_many_items' })
  const ids = new Set<string>()
  const labels = new Set<string>()
  draft.items.forEach((it, item) => {
    if (!ITEM_ID.test(it.id)) problems.push({ code: 'item_id_invalid', item })
    else if (ids.has(it.id)) problems.push({ code: 'item_id_duplicate', item })
    ids.add(it.id)
    const label = it.label.trim()
    if (!label) problems.push({ code: 'label_empty', item })
    else if (label.length > 200) problems.push({ code: 'label_long', item })
    else if (labels.has(label)) problems.push({ code: 'label_duplicate', item })
    labels.add(label)
    if (it.category.length > 50) problems.push({ code: 'category_long', item })
    const kind = it.kind ?? 'status'
    const options = it.options ?? []
    if (kind === 'choice') {
      if (options.length < 2) problems.push({ code: 'choice_options_few', item })
      if (options.length > CHECKLIST_OPTIONS_MAX) problems.push({ code: 'too_many_options', item })
      if (options.some((o) => !o.trim() || o.length > 100)) problems.push({ code: 'option_empty', item })
      else if (new Set(options.map((o) => o.trim())).size !== options.length) problems.push({ code: 'option_duplicate', item })
    } else if (options.length) problems.push({ code: 'options_not_choice', item })
  })
  return problems
}

const PROBLEM_TEXT: Record<ChecklistProblemCode, { zh: string; en: string }> = {
  name_empty: { zh: '检查表名称不能为空', en: 'The checklist needs a name' },
  name_long: { zh: '检查表名称不能超过 100 个字', en: 'The name may have at most 100 characters' },
  no_items: { zh: '检查表至少要有一项', en: 'A checklist needs at least one item' },
  too_many_items: { zh: `检查表最多 ${CHECKLIST_ITEMS_MAX} 项`, en: `A checklist has at most ${CHECKLIST_ITEMS_MAX} items` },
  item_id_invalid: { zh: '检查项的编号无效', en: 'The item has an invalid id' },
  item_id_duplicate: { zh: '检查项的编号重复', en: 'Two items have the same id' },
  label_empty: { zh: '检查项内容不能为空', en: 'The item needs a label' },
  label_long: { zh: '检查项内容不能超过 200 个字', en: 'A label may have at most 200 characters' },
  label_duplicate: { zh: '与前面的检查项内容重复', en: 'Same label as an earlier item' },
  category_long: { zh: '分类不能超过 50 个字', en: 'A category may have at most 50 characters' },
  choice_options_few: { zh: '单选题至少要有两个选项', en: 'A choice needs at least two options' },
  option_empty: { zh: '选项不能为空（最多 100 个字）', en: 'Options may not be empty (at most 100 characters)' },
  option_duplicate: { zh: '选项重复', en: 'Two options are the same' },
  too_many_options: { zh: `最多 ${CHECKLIST_OPTIONS_MAX} 个选项`, en: `At most ${CHECKLIST_OPTIONS_MAX} options` },
  options_not_choice: { zh: '只有单选题才有选项', en: 'Only a choice item has options' },
}

/** A problem as one sentence, naming the item by its number (第 3 项) as the person sees it. */
export function checklistProblemText(p: ChecklistProblem, locale: 'zh' | 'en' = 'zh'): string {
  const text = PROBLEM_TEXT[p.code][locale]
  if (p.item === undefined) return text
  return locale === 'zh' ? `第 ${p.item + 1} 项：${text}` : `Item ${p.item + 1}: ${text}`
}

/** The draft as it is stored: trimmed labels, categories and options; options only on choices. */
export function cleanDraft(draft: ChecklistDraft): ChecklistDraft {
  return {
    name: draft.name.trim(),
    items: draft.items.map((it) => {
      const item: ChecklistItem = { id: it.id, label: it.label.trim(), category: it.category.trim(), required: it.required }
      if (it.kind) item.kind = it.kind
      if (it.kind === 'choice') item.options = (it.options ?? []).map((o) => o.trim())
      return item
    }),
  }
}

/** Version 1 of a new checklist. */
export function newChecklist(
  input: ChecklistDraft & { id: string; hlc: string; kind: ChecklistKind; communityId: string | null },
): Checklist {
  const { name, items } = cleanDraft(input)
  return { id: input.id, hlc: input.hlc, deleted: false, communityId: input.communityId, kind: input.kind, name, version: 1, items, history: [] }
}

/**
 * The next version of `current`: the draft's name and items at version + 1, the version it
 * replaces first in `history` (the oldest beyond CHECKLIST_HISTORY_MAX dropped). Id, kind and
 * community stay: records keep pointing at the same checklist.
 */
export function publishChecklist(current: Checklist, draft: ChecklistDraft, hlc: string): Checklist {
  const { name, items } = cleanDraft(draft)
  const replaced: ChecklistVersion = { version: current.version, name: current.name, items: current.items }
  const history = [replaced, ...(current.history ?? []).filter((h) => h.version !== current.version)].slice(0, CHECKLIST_HISTORY_MAX)
  return { ...current, hlc, deleted: false, name, items, version: current.version + 1, history }
}

/**
 * The items a record made with `version` was answered against, with the labels of THAT version:
 * the current ones for the current version (or a record without a version), the kept ones for an
 * earlier version, and for a version no longer kept the current items (labels of items that
 * still exist; answers to removed items then have no label, see labelOfAnswer).
 */
export function itemsForVersion(checklist: Pick<Checklist, 'version' | 'items' | 'history'>, version: number | null | undefined): ChecklistItem[] {
  if (version === null || version === undefined || version === checklist.version) return checklist.items
  return checklist.history?.find((h) => h.version === version)?.items ?? checklist.items
}

/** Who edits a checklist: the actor's scope as the server has it (server/sync/scope.ts). */
export interface ChecklistActor {
  role: 'worker' | 'supervisor' | 'admin'
  /** Admin: every community. */
  all: boolean
  communityIds: ReadonlySet<string>
}

/** Everyone sees the shared set (no community); a community's checklists, its own people. */
export function checklistVisible(actor: Pick<ChecklistActor, 'all' | 'communityIds'>, communityId: string | null | undefined): boolean {
  if (actor.all || !communityId) return true
  return actor.communityIds.has(communityId.toLowerCase())
}

/** An admin edits anything; a supervisor their own community's checklists only; a worker none. */
export function canEditChecklist(actor: ChecklistActor, communityId: string | null | undefined): boolean {
  if (actor.all || actor.role === 'admin') return true
  if (actor.role !== 'supervisor' || !communityId) return false
  return actor.communityIds.has(communityId.toLowerCase())
}

/**
 * The checklist a phone fills in: of the kind, one of the user's communities (the one published
 * last, by HLC), else the shared set's (the same way); null when the phone has none.
 */
export function pickChecklist(
  checklists: readonly Checklist[],
  kind: ChecklistKind,
  communityIds: ReadonlySet<string>,
): Checklist | null {
  const usable = checklists.filter((c) => c.kind === kind && !c.deleted)
  const latest = (list: Checklist[]) => list.reduce<Checklist | null>((a, b) => (!a || b.hlc > a.hlc ? b : a), null)
  const own = usable.filter((c) => c.communityId && communityIds.has(c.communityId.toLowerCase()))
  return latest(own) ?? latest(usable.filter((c) => !c.communityId))
}

export interface AnswerLine {
  itemId: string
  label: string
  kind: ChecklistItem['kind']
  value: string | number | boolean
}

/**
 * A visit's answers as lines to show, in the order of the items of its version (pass
 * itemsForVersion): unanswered items are left out, and so are answers no item of that version
 * names (they would have no label; an id is never shown to a person).
 */
export function answerLines(items: readonly ChecklistItem[], answers: Readonly<Record<string, string | number | boolean | null>>): AnswerLine[] {
  const lines: AnswerLine[] = []
  for (const item of items) {
    const value = answers[item.id]
    if (value === null || value === undefined || value === '') continue
    lines.push({ itemId: item.id, label: item.label, kind: item.kind, value })
  }
  return lines
}
