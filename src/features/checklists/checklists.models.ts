/**
 * The 检查表 editor's logic, apart from the views: the answers of /api/admin/checklists, an
 * editable copy of a checklist (options as one text per line), and the moves the editor makes.
 * Validation is the shared rule (src/domain/checklists), so the console says what the server would.
 */
import { checklistProblems, type ChecklistDraft, type ChecklistProblem } from '@/domain/checklists'
import type { ChecklistItemKind } from '@/domain/constants'
import type { Checklist, ChecklistItem } from '@/domain/entities'

export interface CommunityChoice {
  id: string
  name: string
}

export interface ChecklistSummary {
  id: string
  communityId: string | null
  kind: Checklist['kind']
  name: string
  version: number
  itemCount: number
  editable: boolean
}

export interface ChecklistListAnswer {
  communities: CommunityChoice[]
  checklists: ChecklistSummary[]
}

/** The kinds of answer the editor offers; a patrol item is always 正常/问题/不适用. */
export const VISIT_ITEM_KINDS = ['yesno', 'text', 'choice', 'number'] as const satisfies readonly ChecklistItemKind[]

/** An item as edited: options as the text of a textarea, one per line. */
export interface EditableItem {
  id: string
  label: string
  category: string
  required: boolean
  kind: ChecklistItemKind
  optionsText: string
}

export interface EditableChecklist {
  name: string
  items: EditableItem[]
}

/** A new item id, unique within the checklist (ids never show; answers are keyed by them). */
export function newItemId(taken: readonly { id: string }[], random: () => number = Math.random): string {
  const ids = new Set(taken.map((i) => i.id))
  for (;;) {
    const id = `i${Math.floor(random() * 36 ** 6).toString(36)}`
    if (!ids.has(id)) return id
  }
}

export function blankItem(checklistKind: Checklist['kind'], taken: readonly { id: string }[]): EditableItem {
  return { id: newItemId(taken), label: '', category: '', required: true, kind: checklistKind === 'patrol' ? 'status' : 'yesno', optionsText: '' }
}

export function toEditable(c: Pick<Checklist, 'kind' | 'name' | 'items'>): EditableChecklist {
  // An item without a kind is answered as the phone shows it: yes/no on a visit, status on a patrol.
  const fallback: ChecklistItemKind = c.kind === 'patrol' ? 'status' : 'yesno'
  return {
    name: c.name,
    items: c.items.map((i) => ({ id: i.id, label: i.label, category: i.category, required: i.required, kind: i.kind ?? fallback, optionsText: (i.options ?? []).join('\n') })),
  }
}

export function toDraft(e: EditableChecklist): ChecklistDraft {
  return {
    name: e.name,
    items: e.items.map((i): ChecklistItem => {
      const item: ChecklistItem = { id: i.id, label: i.label, category: i.category, required: i.required, kind: i.kind }
      if (i.kind === 'choice') item.options = i.optionsText.split('\n').map((o) => o.trim()).filter(Boolean)
      return item
    }),
  }
}

/** The items with the one at `index` moved up (-1) or down (+1); unchanged at either end. */
export function moveItem<T>(items: readonly T[], index: number, by: -1 | 1): T[] {
  const to = index + by
  if (to < 0 || to >= items.length) return [...items]
  const next = [...items]
  ;[next[index], next[to]] = [next[to], next[index]]
  return next
}

export function removeItem<T>(items: readonly T[], index: number): T[] {
  return items.filter((_, i) => i !== index)
}

/** The problems of the editor's content, for the page and for its items by index. */
export function editorProblems(e: EditableChecklist): { all: ChecklistProblem[]; byItem: Map<number, ChecklistProblem[]> } {
  const all = checklistProblems(toDraft(e))
  const byItem = new Map<number, ChecklistProblem[]>()
  for (const p of all) if (p.item !== undefined) byItem.set(p.item, [...(byItem.get(p.item) ?? []), p])
  return { all, byItem }
}

/** Patrol checklists before visit ones, each by name. */
export function sortedSummaries(list: readonly ChecklistSummary[]): ChecklistSummary[] {
  const order = { patrol: 0, visit: 1 }
  return [...list].sort((a, b) => order[a.kind] - order[b.kind] || a.name.localeCompare(b.name, 'zh'))
}
