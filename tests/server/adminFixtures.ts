/** Shared by the administration suites (issue 18): multipart uploads (./multipart) and small GeoJSON files. */
export { multipart } from './multipart'

/** A square ring around (lng, lat), `d` degrees wide. */
export function square(lng: number, lat: number, d = 0.002): [number, number][] {
  return [[lng, lat], [lng + d, lat], [lng + d, lat + d], [lng, lat + d], [lng, lat]]
}

export function feature(name: string, ring: [number, number][], props: Record<string, string> = {}) {
  return { type: 'Feature', properties: { name, ...props }, geometry: { type: 'Polygon', coordinates: [ring] } }
}

export function collection(...features: unknown[]): string {
  return JSON.stringify({ type: 'FeatureCollection', features })
}

export const BOW_TIE: [number, number][] = [[120.4, 36.1], [120.402, 36.102], [120.402, 36.1], [120.4, 36.102], [120.4, 36.1]]
