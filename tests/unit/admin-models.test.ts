import { describe, expect, it } from 'vitest'
import type { AdminBuilding, AdminGrid, Person } from '@/features/admin/admin.api'
import {
  boundariesOnMap,
  buildingProblems,
  buildingsByGrid,
  canCreateCommunity,
  emptyBuildingForm,
  emptyPersonForm,
  fileAccepted,
  gridLabel,
  gridOptions,
  gridTree,
  handoverTargets,
  linkState,
  moveTargets,
  namedCodeProblems,
  parseLocation,
  personFormOf,
  personProblems,
  planCounts,
  workerNames,
} from '@/features/admin/admin.models'

const ring: [number, number][] = [[120.5, 36.8], [120.6, 36.8], [120.6, 36.9], [120.5, 36.8]]
function grid(id: string, over: Partial<AdminGrid> = {}): AdminGrid {
  return { id, communityId: 'c', parentId: null, level: 'grid', name: id, code: id, boundary: null, workerIds: [], households: 0, buildings: 0, ...over }
}
function person(id: string, over: Partial<Person> = {}): Person {
  return { id, username: id, name: id, phone: '13800000000', role: 'worker', gridIds: [], gridNames: [], disabled: false, devices: 0, ...over }
}
function building(id: string, gridId: string, over: Partial<AdminBuilding> = {}): AdminBuilding {
  return { id, gridId, gridName: gridId, compound: '海景花园', name: id, location: [120.5, 36.8], units: null, floors: null, households: 0, ...over }
}

const g1 = grid('g1', { name: '第一网格', code: 'G1' })
const g2 = grid('g2', { name: '第二网格', code: 'G2' })
const m21 = grid('m21', { name: '二一微网格', code: 'G2-1', level: 'micro', parentId: 'g2' })
const m11 = grid('m11', { name: '一一微网格', code: 'G1-1', level: 'micro', parentId: 'g1' })
const m12 = grid('m12', { name: '一二微网格', code: 'G1-2', level: 'micro', parentId: 'g1' })

describe('admin models', () => {
  describe('the grid tree', () => {
    it('puts each grid first and its micro-grids under it, by code, whatever the answer order', () => {
      const rows = gridTree([m21, m12, g2, m11, g1])
      expect(rows.map((r) => [r.grid.id, r.depth, r.parentName])).toEqual([
        ['g1', 0, null],
        ['m11', 1, '第一网格'],
        ['m12', 1, '第一网格'],
        ['g2', 0, null],
        ['m21', 1, '第二网格'],
      ])
    })
    it('keeps a micro-grid whose parent is missing instead of dropping it', () => {
      expect(gridTree([m21]).map((r) => r.grid.id)).toEqual(['m21'])
    })
    it('labels a micro-grid with its grid and never shows an id', () => {
      const all = [g1, m11, g2]
      expect(gridLabel(all, 'm11')).toBe('第一网格 / 一一微网格')
      expect(gridLabel(all, 'g2')).toBe('第二网格')
      expect(gridLabel(all, 'nope')).toBe('')
      expect(gridOptions(all).map((o) => o.label)).toEqual(['第一网格', '第一网格 / 一一微网格', '第二网格'])
    })
    it('offers a micro-grid every grid but its own as a move target', () => {
      expect(moveTargets([g1, g2, m11, m21], m11).map((g) => g.id)).toEqual(['g2'])
    })
    it('names the workers of a grid, skipping ids nobody in the list has', () => {
      const people = [person('w1', { name: '王芳' }), person('w2', { name: '李强' })]
      expect(workerNames(grid('x', { workerIds: ['w2', 'gone', 'w1'] }), people)).toBe('李强、王芳')
    })
    it('hands over to enabled workers and supervisors other than the one leaving', () => {
      const people = [person('w1'), person('w2'), person('w3', { disabled: true }), person('a', { role: 'admin' }), person('s', { role: 'supervisor' })]
      expect(handoverTargets(people, 'w1').map((p) => p.id)).toEqual(['w2', 's'])
    })
  })

  describe('forms', () => {
    it('asks for a name and a code of letters, digits, - and _', () => {
      expect(namedCodeProblems({ name: ' ', code: '' })).toEqual(['nameRequired', 'codeRequired'])
      expect(namedCodeProblems({ name: '第一网格', code: '第一' })).toEqual(['codeFormat'])
      expect(namedCodeProblems({ name: 'x'.repeat(51), code: 'G1' })).toEqual(['nameTooLong'])
      expect(namedCodeProblems({ name: '第一网格', code: 'G1-a_2' })).toEqual([])
    })
    it('checks a new person: username, mobile, a grid for a worker, an optional password of 8', () => {
      const ok = { ...emptyPersonForm(), name: '王芳', username: 'wangfang', phone: '138 0000 0000', gridIds: ['g1'] }
      expect(personProblems(ok)).toEqual([])
      expect(personProblems({ ...ok, username: '王芳', phone: '12345', gridIds: [], password: 'short' })).toEqual([
        'usernameFormat', 'phoneFormat', 'gridsRequired', 'passwordShort',
      ])
      // A supervisor may start without grids.
      expect(personProblems({ ...ok, role: 'supervisor', gridIds: [] })).toEqual([])
    })
    it('an edit ignores the username and password, which it does not change', () => {
      const form = personFormOf(person('p', { username: '', name: '王芳', gridIds: ['g1'] }))
      expect(personProblems(form, true)).toEqual([])
      expect(personProblems(form)).toEqual(['usernameFormat'])
    })
    it('reads a location and says which input is wrong', () => {
      expect(parseLocation('120.51', ' 36.87 ')).toEqual({ location: [120.51, 36.87] })
      expect(parseLocation('', 'abc')).toEqual({ problems: ['lngInvalid', 'latInvalid'] })
      expect(parseLocation('200', '36')).toEqual({ problems: ['lngInvalid'] })
      expect(parseLocation('36.87', '120.51')).toEqual({ problems: ['lngLatSwapped'] })
    })
    it('checks a building form', () => {
      expect(buildingProblems(emptyBuildingForm())).toEqual(['compoundRequired', 'buildingRequired', 'lngInvalid', 'latInvalid'])
      expect(buildingProblems({ ...emptyBuildingForm(), compound: '海景花园', name: '3号楼', lng: '120.5', lat: '36.8' })).toEqual([])
    })
    it('accepts files by their ending, in any case', () => {
      expect(fileAccepted('网格.GeoJSON', ['.geojson', '.kml'])).toBe(true)
      expect(fileAccepted('网格.shp', ['.geojson', '.kml'])).toBe(false)
    })
  })

  it('counts what a boundary import creates and updates', () => {
    const grids = [
      { name: 'a', code: '', level: 'grid' as const, parentName: null, action: 'create' as const },
      { name: 'b', code: '', level: 'micro' as const, parentName: 'a', action: 'create' as const },
      { name: 'c', code: '', level: 'grid' as const, parentName: null, action: 'update' as const },
    ]
    expect(planCounts({ grids })).toEqual({ create: 2, update: 1 })
  })

  it('a sign-in link is revoked, used, expired or active, in that order of precedence', () => {
    const now = 1_000
    expect(linkState({ expiresAt: 2_000, usedAt: null, revokedAt: null }, now)).toBe('active')
    expect(linkState({ expiresAt: 1_000, usedAt: null, revokedAt: null }, now)).toBe('expired')
    expect(linkState({ expiresAt: 500, usedAt: 400, revokedAt: null }, now)).toBe('used')
    expect(linkState({ expiresAt: 2_000, usedAt: 400, revokedAt: 450 }, now)).toBe('revoked')
  })

  it('groups buildings under their grids in tree order, by compound and number', () => {
    const all = [g1, m11, g2]
    const groups = buildingsByGrid([building('10号楼', 'g2'), building('2号楼', 'm11'), building('10号楼', 'm11'), building('1号楼', 'm11', { compound: '阳光小区' })], all)
    expect(groups.map((g) => [g.label, g.buildings.map((b) => `${b.compound}${b.name}`)])).toEqual([
      ['第一网格 / 一一微网格', ['海景花园2号楼', '海景花园10号楼', '阳光小区1号楼']],
      ['第二网格', ['海景花园10号楼']],
    ])
  })

  it('only admins create communities', () => {
    expect(canCreateCommunity('admin')).toBe(true)
    expect(canCreateCommunity('supervisor')).toBe(false)
    expect(canCreateCommunity(undefined)).toBe(false)
  })

  it('puts only grids with a boundary on the map', () => {
    expect(boundariesOnMap([g1, grid('b', { name: '有边界', boundary: { type: 'Polygon', coordinates: [ring] } })])).toEqual([
      { id: 'b', name: '有边界', level: 'grid', ring },
    ])
  })
})
