/**
 * 边界导入: grid boundaries from a GeoJSON or KML file, as the street office's GIS or a map tool
 * (高德/奥维/Google Earth) exports them. Every feature is checked — a polygon ring that closes, at
 * least three corners, inside China's coordinate range, not crossing itself — and every problem
 * is reported with the feature's number and name; the caller stores nothing while any remains.
 * Coordinates come out WGS84 ([lng, lat]); files drawn on 高德/腾讯 maps are GCJ-02 and converted.
 */
import { DOMParser } from '@xmldom/xmldom'
import { kml } from '@tmcw/togeojson'
import kinks from '@turf/kinks'
import gcoord from 'gcoord'
import type { Polygon } from '../../src/domain/entities'

export type Crs = 'wgs84' | 'gcj02'

export interface BoundaryFeature {
  /** 1-based position in the file, as a person counts. */
  index: number
  name: string | null
  code: string | null
  /** 上级网格: the grid a micro-grid belongs to, by name. */
  parentName: string | null
  boundary: Polygon | null
}

export interface BoundaryProblem {
  feature: number
  name: string | null
  message: string
}

export class BoundaryFileError extends Error {}

const NAME_KEYS = ['name', 'Name', 'NAME', '名称', '网格名称', 'title']
const CODE_KEYS = ['code', 'Code', 'CODE', '编码', '网格编码']
const PARENT_KEYS = ['parent', 'Parent', 'PARENT', '上级', '上级网格', '所属网格']

function pick(props: Record<string, unknown> | null | undefined, keys: string[]): string | null {
  if (!props) return null
  for (const k of keys) {
    const v = props[k]
    if (typeof v === 'string' && v.trim()) return v.trim()
    if (typeof v === 'number') return String(v)
  }
  return null
}

interface GeoFeature {
  type?: unknown
  properties?: Record<string, unknown> | null
  geometry?: { type?: unknown; coordinates?: unknown } | null
}

/** Reads a file's bytes as GeoJSON or KML (by its name, else by its first character). */
export function readBoundaryFile(bytes: Buffer, fileName: string): GeoFeature[] {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '')
  const isKml = /\.kml$/i.test(fileName) || text.trimStart().startsWith('<')
  let doc: unknown
  if (isKml) {
    const problems: string[] = []
    try {
      const xml = new DOMParser({ onError: (level, msg) => level !== 'warning' && problems.push(String(msg)) }).parseFromString(text, 'text/xml')
      if (problems.length || !xml.documentElement) throw new Error(problems[0] ?? '不是 XML')
      doc = kml(xml as unknown as Document)
    } catch {
      // xmldom's own messages are English internals; the person needs to know the file is broken.
      throw new BoundaryFileError('KML 文件无法读取（XML 格式错误或文件不完整），请重新导出')
    }
  } else {
    try {
      doc = JSON.parse(text)
    } catch {
      throw new BoundaryFileError('文件不是有效的 GeoJSON（JSON 格式错误），请导出为 GeoJSON 或 KML')
    }
  }
  const d = doc as { type?: unknown; features?: unknown }
  if (d?.type === 'FeatureCollection' && Array.isArray(d.features)) return d.features as GeoFeature[]
  if (d?.type === 'Feature') return [d as GeoFeature]
  if (d?.type === 'Polygon' || d?.type === 'MultiPolygon') return [{ type: 'Feature', properties: {}, geometry: d as GeoFeature['geometry'] }]
  throw new BoundaryFileError('文件里没有要素（FeatureCollection），请导出网格边界为 GeoJSON 或 KML')
}

const round = (n: number) => Math.round(n * 1e7) / 1e7

function ringProblem(ring: unknown): string | null {
  if (!Array.isArray(ring)) return '边界坐标格式不对'
  if (ring.length < 4) return '边界至少要有 3 个角点'
  for (const p of ring) {
    if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      return '边界里有不是数字的坐标'
    }
    if (p[0] < 73 || p[0] > 136 || p[1] < 3 || p[1] > 54) return `坐标 ${p[0]}, ${p[1]} 不在中国境内（应为 经度, 纬度）`
  }
  const [a, b] = [ring[0] as number[], ring[ring.length - 1] as number[]]
  if (a[0] !== b[0] || a[1] !== b[1]) return '边界没有闭合（首尾坐标不同）'
  return null
}

/** A polygon's problem in words, or null; `boundary` is then WGS84. */
export function polygonOf(geometry: GeoFeature['geometry'], crs: Crs): { boundary: Polygon | null; problem: string | null } {
  if (!geometry) return { boundary: null, problem: '没有边界（几何为空）' }
  let coords: unknown = geometry.coordinates
  if (geometry.type === 'MultiPolygon') {
    if (!Array.isArray(coords) || coords.length !== 1) return { boundary: null, problem: '一个网格只能有一块边界（文件里是多块）' }
    coords = coords[0]
  } else if (geometry.type !== 'Polygon') {
    return { boundary: null, problem: `几何类型是 ${String(geometry.type)}，网格边界应为多边形（Polygon）` }
  }
  if (!Array.isArray(coords) || coords.length === 0) return { boundary: null, problem: '边界坐标为空' }
  for (const ring of coords) {
    const p = ringProblem(ring)
    if (p) return { boundary: null, problem: p }
  }
  const rings = (coords as number[][][]).map((ring) =>
    ring.map((p) => {
      const [lng, lat] = crs === 'gcj02' ? (gcoord.transform([p[0], p[1]], gcoord.GCJ02, gcoord.WGS84) as [number, number]) : [p[0], p[1]]
      return [round(lng), round(lat)] as [number, number]
    }),
  )
  const boundary: Polygon = { type: 'Polygon', coordinates: rings }
  const crossings = kinks({ type: 'Feature', properties: {}, geometry: boundary }).features
  if (crossings.length) {
    const [lng, lat] = crossings[0].geometry.coordinates
    return { boundary: null, problem: `边界自相交（在 ${lng.toFixed(5)}, ${lat.toFixed(5)} 附近），请修正后再导入` }
  }
  return { boundary, problem: null }
}

/** A single boundary as the console sends it (drawn or typed), checked like a file's. */
export function checkedPolygon(value: unknown, crs: Crs): Polygon {
  const { boundary, problem } = polygonOf(value as GeoFeature['geometry'], crs)
  if (problem) throw new BoundaryFileError(problem)
  return boundary!
}

export function parseBoundaries(features: GeoFeature[], crs: Crs): { features: BoundaryFeature[]; problems: BoundaryProblem[] } {
  const out: BoundaryFeature[] = []
  const problems: BoundaryProblem[] = []
  const names = new Set<string>()
  features.forEach((f, i) => {
    const index = i + 1
    const name = pick(f?.properties, NAME_KEYS)
    const { boundary, problem } = polygonOf(f?.geometry ?? null, crs)
    if (!name) problems.push({ feature: index, name, message: '缺少网格名称（属性 name 或 名称）' })
    else if (names.has(name)) problems.push({ feature: index, name, message: `文件里有两个“${name}”` })
    if (problem) problems.push({ feature: index, name, message: problem })
    if (name) names.add(name)
    out.push({ index, name, code: pick(f?.properties, CODE_KEYS), parentName: pick(f?.properties, PARENT_KEYS), boundary })
  })
  if (!features.length) problems.push({ feature: 0, name: null, message: '文件里没有任何网格边界' })
  return { features: out, problems }
}
