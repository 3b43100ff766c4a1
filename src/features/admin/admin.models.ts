/**
 * Pure view logic of the console's administration (设置: 社区与网格, 人员, 楼栋): the grid tree
 * and the names that stand for ids, what each form refuses before asking the server, the state
 * of a sign-in link, and the map's data. Messages are i18n keys under `admin.problems.*`.
 */
import type { MapBoundary, MapBuilding } from '@/features/map/map.models'
import booleanPointInPolygon from '@turf/boolean-point-in-polygon'
import type { AdminBuilding, AdminGrid, BoundaryImportAnswer, Person, PersonRole, Polygon, SignInLinkEntry } from './admin.api'
import { passwordTooShort } from '@/domain/password'

export const ADMIN_PAGES = ['grids', 'people', 'buildings', 'settings'] as const
export type AdminPage = (typeof ADMIN_PAGES)[number]

/** Only an admin creates communities; a supervisor administers the one they supervise. */
export const canCreateCommunity = (role: string | null | undefined) => role === 'admin'

/** A row of the grid table: a grid, then its micro-grids indented under it. */
export interface GridRow {
  grid: AdminGrid
  depth: 0 | 1
  parentName: string | null
}

/** Grids in code/name order, each followed by its micro-grids (whatever order the answer had). */
export function gridTree(grids: readonly AdminGrid[]): GridRow[] {
  const byOrder = (a: AdminGrid, b: AdminGrid) => a.code.localeCompare(b.code) || a.name.localeCompare(b.name, 'zh-CN')
  const tops = grids.filter((g) => g.level === 'grid').sort(byOrder)
  const rows: GridRow[] = []
  for (const top of tops) {
    rows.push({ grid: top, depth: 0, parentName: null })
    for (const micro of grids.filter((g) => g.level === 'micro' && g.parentId === top.id).sort(byOrder)) {
      rows.push({ grid: micro, depth: 1, parentName: top.name })
    }
  }
  // A micro-grid whose parent is not in the answer still shows (at the end), never disappears.
  const shown = new Set(rows.map((r) => r.grid.id))
  for (const g of grids) if (!shown.has(g.id)) rows.push({ grid: g, depth: g.level === 'micro' ? 1 : 0, parentName: null })
  return rows
}

/** "第一网格 / 一号微网格" for a micro-grid, the name alone for a grid; '' for an unknown id. */
export function gridLabel(grids: readonly AdminGrid[], id: string | null | undefined): string {
  const grid = grids.find((g) => g.id === id)
  if (!grid) return ''
  const parent = grid.parentId ? grids.find((g) => g.id === grid.parentId) : undefined
  return parent ? `${parent.name} / ${grid.name}` : grid.name
}

/** Options of a grid select, in tree order, labelled with their path. */
export function gridOptions(grids: readonly AdminGrid[]): { id: string; label: string }[] {
  return gridTree(grids).map((r) => ({ id: r.grid.id, label: r.parentName ? `${r.parentName} / ${r.grid.name}` : r.grid.name }))
}

/** Where a micro-grid can move: every grid but the one it is under. */
export function moveTargets(grids: readonly AdminGrid[], micro: AdminGrid): AdminGrid[] {
  return gridTree(grids)
    .map((r) => r.grid)
    .filter((g) => g.level === 'grid' && g.id !== micro.parentId)
}

/** Names of the grid's current workers ('、' separated, the way Chinese lists names). */
export function workerNames(grid: AdminGrid, people: readonly Pick<Person, 'id' | 'name'>[]): string {
  return grid.workerIds
    .map((id) => people.find((p) => p.id === id)?.name)
    .filter((n): n is string => !!n)
    .join('、')
}

export const joinNames = (items: readonly { name: string }[]) => items.map((i) => i.name).join('、')

/** Who a handover may give the grid to: enabled workers and supervisors not already on it (from aside). */
export function handoverTargets(people: readonly Person[], fromUserId: string): Person[] {
  return people.filter((p) => !p.disabled && p.id !== fromUserId && p.role !== 'admin')
}

// --- forms ---------------------------------------------------------------------------------

export interface NamedCodeForm {
  name: string
  code: string
}

/** A code is what spreadsheets and the import files carry: letters, digits, - and _. */
const CODE = /^[A-Za-z0-9_-]{1,32}$/

export function namedCodeProblems(form: NamedCodeForm): string[] {
  const problems: string[] = []
  const name = form.name.trim()
  if (!name) problems.push('nameRequired')
  else if (name.length > 50) problems.push('nameTooLong')
  if (!form.code.trim()) problems.push('codeRequired')
  else if (!CODE.test(form.code.trim())) problems.push('codeFormat')
  return problems
}

export interface PersonForm {
  name: string
  username: string
  phone: string
  role: PersonRole
  gridIds: string[]
  password: string
}

export const emptyPersonForm = (): PersonForm => ({ name: '', username: '', phone: '', role: 'worker', gridIds: [], password: '' })

const USERNAME = /^[A-Za-z0-9_.-]{2,64}$/
const MOBILE = /^1[3-9]\d{9}$/

/** `editing`: the username and password are not part of an edit (it has 重置密码 of its own). */
export function personProblems(form: PersonForm, editing = false): string[] {
  const problems: string[] = []
  if (!form.name.trim()) problems.push('nameRequired')
  if (!editing && !USERNAME.test(form.username.trim())) problems.push('usernameFormat')
  if (!MOBILE.test(form.phone.replace(/[\s-]/g, ''))) problems.push('phoneFormat')
  if (form.role === 'worker' && form.gridIds.length === 0) problems.push('gridsRequired')
  if (!editing && form.password && passwordTooShort(form.password)) problems.push('passwordShort')
  return problems
}

export const passwordProblems = (password: string) => (passwordTooShort(password) ? ['passwordShort'] : [])

export const personFormOf = (p: Person): PersonForm => ({
  name: p.name,
  username: p.username,
  phone: p.phone,
  role: p.role === 'supervisor' ? 'supervisor' : 'worker',
  gridIds: [...p.gridIds],
  password: '',
})

export interface BuildingForm {
  compound: string
  name: string
  gridId: string
  lng: string
  lat: string
  crs: 'wgs84' | 'gcj02'
}

export const emptyBuildingForm = (): BuildingForm => ({ compound: '', name: '', gridId: '', lng: '', lat: '', crs: 'gcj02' })

/** The point of the form as [lng, lat], or the problems of its two inputs. */
export function parseLocation(lng: string, lat: string): { location: [number, number] } | { problems: string[] } {
  const x = Number(lng.trim())
  const y = Number(lat.trim())
  const problems: string[] = []
  const given = lng.trim() !== '' && lat.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)
  // China lies at 73–135° E and 18–54° N: a "longitude" of 36 with a "latitude" of 120 is swapped
  // (and says more than "latitude out of range").
  if (given && Math.abs(y) > 60 && Math.abs(y) <= 180 && Math.abs(x) < 60) return { problems: ['lngLatSwapped'] }
  if (!(lng.trim() !== '' && Number.isFinite(x) && Math.abs(x) <= 180)) problems.push('lngInvalid')
  if (!(lat.trim() !== '' && Number.isFinite(y) && Math.abs(y) <= 90)) problems.push('latInvalid')
  return problems.length ? { problems } : { location: [x, y] }
}

export function buildingProblems(form: BuildingForm): string[] {
  const problems: string[] = []
  if (!form.compound.trim()) problems.push('compoundRequired')
  if (!form.name.trim()) problems.push('buildingRequired')
  const at = parseLocation(form.lng, form.lat)
  if ('problems' in at) problems.push(...at.problems)
  return problems
}

// --- files ----------------------------------------------------------------------------------

export const BOUNDARY_FILES = ['.geojson', '.json', '.kml'] as const
export const SHEET_FILES = ['.xlsx', '.csv'] as const

export function fileAccepted(name: string, kinds: readonly string[]): boolean {
  const lower = name.toLowerCase()
  return kinds.some((k) => lower.endsWith(k))
}

/** What a boundary import will do, counted: 新建 N 个，更新 M 个. */
export function planCounts(answer: Pick<BoundaryImportAnswer, 'grids'>): { create: number; update: number } {
  return {
    create: answer.grids.filter((g) => g.action === 'create').length,
    update: answer.grids.filter((g) => g.action === 'update').length,
  }
}

// --- sign-in links ---------------------------------------------------------------------------

export type LinkState = 'active' | 'used' | 'revoked' | 'expired'

export function linkState(link: Pick<SignInLinkEntry, 'expiresAt' | 'usedAt' | 'revokedAt'>, now: number): LinkState {
  if (link.revokedAt) return 'revoked'
  if (link.usedAt) return 'used'
  return link.expiresAt <= now ? 'expired' : 'active'
}

// --- buildings ------------------------------------------------------------------------------

/** Buildings grouped under their grid, groups in the grid tree's order, then any grid not in it. */
export function buildingsByGrid(buildings: readonly AdminBuilding[], grids: readonly AdminGrid[]): { gridId: string; label: string; buildings: AdminBuilding[] }[] {
  const order = gridTree(grids).map((r) => r.grid.id)
  const groups = new Map<string, AdminBuilding[]>()
  for (const b of buildings) groups.set(b.gridId, [...(groups.get(b.gridId) ?? []), b])
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length)
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([gridId, list]) => ({
      gridId,
      label: gridLabel(grids, gridId) || list[0].gridName,
      buildings: [...list].sort((a, b) => a.compound.localeCompare(b.compound, 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN', { numeric: true })),
    }))
}

// --- map --------------------------------------------------------------------------------------

export function boundariesOnMap(grids: readonly AdminGrid[]): MapBoundary[] {
  return grids.filter((g) => g.boundary).map((g) => ({ id: g.id, name: g.name, level: g.level, ring: g.boundary!.coordinates[0] }))
}

/**
 * What the map shows around a boundary being drawn: the grid's own stored outline and, for a
 * micro-grid, its grid's (the view fits them); every other boundary faint.
 */
export function drawingContext(grids: readonly AdminGrid[], grid: AdminGrid): MapBoundary[] {
  const near = new Set([grid.id, grid.parentId])
  return boundariesOnMap(grids).map((b) => (near.has(b.id) ? b : { ...b, muted: true }))
}

/** The buildings whose point lies inside a drawn polygon (WGS84, both). */
export function buildingsInside(buildings: readonly AdminBuilding[], polygon: Polygon | null): AdminBuilding[] {
  if (!polygon) return []
  return buildings.filter((b) => booleanPointInPolygon(b.location, polygon))
}

export function buildingsOnMap(buildings: readonly AdminBuilding[]): MapBuilding[] {
  return buildings.map((b) => ({ id: b.id, name: `${b.compound}${b.name}`, location: b.location, households: b.households, state: 'none' }))
}
