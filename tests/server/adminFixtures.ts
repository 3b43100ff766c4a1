/** Shared by the administration suites (issue 18): multipart uploads and small GeoJSON files. */
export function multipart(bytes: Buffer | string, filename: string, field = 'file'): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----fullgrid' + Math.random().toString(16).slice(2)
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` + 'Content-Type: application/octet-stream\r\n\r\n',
  )
  const body = typeof bytes === 'string' ? Buffer.from(bytes) : bytes
  return { payload: Buffer.concat([head, body, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

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
