/**
 * The administration API (issue #18) as the console calls it: the shapes of
 * /work/notes/admin-api.md, one function per route, all through the app's one `apiFetch`
 * (bearer token, readable Chinese errors as SyncError subclasses).
 */
import { apiFetch } from '@/app/session/api'

export type LngLat = [number, number]
export type Crs = 'wgs84' | 'gcj02'
export interface Polygon {
  type: 'Polygon'
  coordinates: LngLat[][]
}

export interface Community {
  id: string
  name: string
  code: string
  grids: number
  households: number
}

export interface AdminGrid {
  id: string
  communityId: string
  parentId: string | null
  level: 'grid' | 'micro'
  name: string
  code: string
  boundary: Polygon | null
  workerIds: string[]
  households: number
  buildings: number
}

export interface BoundaryPlanGrid {
  name: string
  code: string
  level: 'grid' | 'micro'
  parentName: string | null
  action: 'create' | 'update'
}
export interface BoundaryImportAnswer {
  features: number
  grids: BoundaryPlanGrid[]
  problems: { feature: number; name: string | null; message: string }[]
  created?: number
  updated?: number
}

export interface AdminBuilding {
  id: string
  gridId: string
  gridName: string
  compound: string
  name: string
  location: LngLat
  units: number | null
  floors: number | null
  households: number
}

export interface SheetImportAnswer {
  rows: number
  problems: { row: number; messages: string[] }[]
  created?: number
}

export type PersonRole = 'worker' | 'supervisor'
export interface Person {
  id: string
  username: string
  name: string
  phone: string
  role: PersonRole | 'admin'
  gridIds: string[]
  gridNames: string[]
  disabled: boolean
  devices: number
}
export interface NewPerson {
  communityId: string
  username: string
  name: string
  phone: string
  role: PersonRole
  gridIds: string[]
  password?: string
}

export interface SignInLink {
  id: string
  token: string
  url: string
  expiresAt: number
}
export interface SignInLinkEntry {
  id: string
  createdAt: number
  expiresAt: number
  usedAt: number | null
  revokedAt: number | null
  createdBy: string
}

/** 社区设置 as the server answers it; the base map is the server's, shown read-only. */
export interface CommunitySettingsAnswer {
  community: { id: string; name: string; code: string }
  settings: { timeZone: string; lockMinutes: number }
  defaults: { timeZone: string }
  tiles: { configured: boolean; crs: Crs; attribution: string; maxZoom: number }
}

export interface HandoverAnswer {
  grid: { id: string; name: string }
  from: { id: string; name: string }[]
  to: { id: string; name: string }
  /** What moved with the grid (and its micro-grids): the console says so. */
  households: number
  buildings: number
  openIssues: number
}

const id = encodeURIComponent
const fileForm = (file: File) => {
  const form = new FormData()
  form.append('file', file)
  return form
}
const dry = (dryRun: boolean) => (dryRun ? '1' : '0')

export const adminApi = {
  communities: () => apiFetch<{ communities: Community[] }>('/api/admin/communities'),
  createCommunity: (body: { name: string; code: string }) => apiFetch<{ community: Community }>('/api/admin/communities', { json: body }),

  grids: (communityId: string) => apiFetch<{ grids: AdminGrid[] }>(`/api/admin/communities/${id(communityId)}/grids`),
  createGrid: (body: { communityId: string; parentId: string | null; name: string; code: string; boundary?: Polygon | null; crs?: Crs }) =>
    apiFetch<{ grid: AdminGrid }>('/api/admin/grids', { json: body }),
  updateGrid: (gridId: string, body: { name?: string; code?: string; boundary?: Polygon | null; crs?: Crs; parentId?: string }) =>
    apiFetch<{ grid: AdminGrid }>(`/api/admin/grids/${id(gridId)}`, { method: 'PATCH', json: body }),
  importBoundaries: (communityId: string, file: File, crs: Crs, dryRun: boolean) =>
    apiFetch<BoundaryImportAnswer>(`/api/admin/communities/${id(communityId)}/boundaries?dryRun=${dry(dryRun)}&crs=${crs}`, {
      method: 'POST',
      form: fileForm(file),
      timeoutMs: 60_000,
    }),
  claimBuildings: (gridId: string) =>
    apiFetch<{ claimed: number; movedHouseholds: number }>(`/api/admin/grids/${id(gridId)}/claim-buildings`, { method: 'POST', json: {} }),
  handover: (gridId: string, body: { fromUserId?: string; toUserId: string }) =>
    apiFetch<HandoverAnswer>(`/api/admin/grids/${id(gridId)}/handover`, { json: body }),

  buildings: (communityId: string) => apiFetch<{ buildings: AdminBuilding[] }>(`/api/admin/communities/${id(communityId)}/buildings`),
  createBuilding: (body: { communityId: string; gridId?: string; compound: string; name: string; location: LngLat; crs?: Crs; units?: number; floors?: number }) =>
    apiFetch<{ building: AdminBuilding }>('/api/admin/buildings', { json: body }),
  updateBuilding: (buildingId: string, body: { compound?: string; name?: string; gridId?: string; location?: LngLat; crs?: Crs }) =>
    apiFetch<{ building: AdminBuilding; movedHouseholds: number }>(`/api/admin/buildings/${id(buildingId)}`, { method: 'PATCH', json: body }),
  moveBuildings: (body: { buildingIds: readonly string[]; gridId: string }) =>
    apiFetch<{ moved: number; movedHouseholds: number }>('/api/admin/buildings/move', { json: body }),
  importBuildings: (communityId: string, file: File, dryRun: boolean) =>
    apiFetch<SheetImportAnswer>(`/api/admin/communities/${id(communityId)}/buildings/import?dryRun=${dry(dryRun)}`, {
      method: 'POST',
      form: fileForm(file),
      timeoutMs: 60_000,
    }),

  settings: (communityId: string) => apiFetch<CommunitySettingsAnswer>(`/api/admin/communities/${id(communityId)}/settings`),
  updateSettings: (communityId: string, body: { name?: string; timeZone?: string; lockMinutes?: number }) =>
    apiFetch<CommunitySettingsAnswer>(`/api/admin/communities/${id(communityId)}/settings`, { method: 'PATCH', json: body }),

  importPeople: (communityId: string, file: File, dryRun: boolean) =>
    apiFetch<SheetImportAnswer>(`/api/admin/communities/${id(communityId)}/people/import?dryRun=${dry(dryRun)}`, {
      method: 'POST',
      form: fileForm(file),
      timeoutMs: 60_000,
    }),
  people: (communityId: string) => apiFetch<{ people: Person[] }>(`/api/admin/communities/${id(communityId)}/people`),
  createPerson: (body: NewPerson) => apiFetch<{ person: Person }>('/api/admin/people', { json: body }),
  updatePerson: (personId: string, body: Partial<Pick<Person, 'name' | 'phone' | 'gridIds' | 'disabled'>> & { role?: PersonRole }) =>
    apiFetch<{ person: Person }>(`/api/admin/people/${id(personId)}`, { method: 'PATCH', json: body }),
  setPassword: (personId: string, password: string) => apiFetch<{ ok: true }>(`/api/admin/people/${id(personId)}/password`, { json: { password } }),
  createLink: (personId: string) => apiFetch<{ link: SignInLink }>(`/api/admin/people/${id(personId)}/sign-in-links`, { method: 'POST', json: {} }),
  links: (personId: string) => apiFetch<{ links: SignInLinkEntry[] }>(`/api/admin/people/${id(personId)}/sign-in-links`),
  revokeLink: (linkId: string) => apiFetch<{ ok: true }>(`/api/admin/sign-in-links/${id(linkId)}/revoke`, { method: 'POST', json: {} }),
}
