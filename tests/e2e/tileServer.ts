/**
 * A stand-in for a tile service (OpenStreetMap, 天地图 …) on 127.0.0.1: every tile is a small
 * PNG generated here, its colour derived from z/x/y so tests can tell tiles apart. Counts the
 * requests, so a test can prove a tile came from a cache and not from here.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { crc32, deflateSync } from 'node:zlib'

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body) >>> 0)
  return Buffer.concat([len, body, crc])
}

/** A solid-colour RGB PNG of `size` × `size` pixels. */
export function solidPng(r: number, g: number, b: number, size = 256): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // colour type: RGB
  const row = Buffer.alloc(1 + size * 3)
  for (let i = 0; i < size; i++) row.set([r, g, b], 1 + i * 3)
  const raw = Buffer.concat(Array.from({ length: size }, () => row))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

export interface TileServer {
  /** Upstream template for FULLGRID_TILE_URL, e.g. http://127.0.0.1:40123/{z}/{x}/{y}.png */
  template: string
  /** Tile paths requested so far (`z/x/y`). */
  requests: string[]
  stop(): Promise<void>
}

export async function startTileServer(): Promise<TileServer> {
  const requests: string[] = []
  const server: Server = createServer((req, res) => {
    const m = /^\/(\d+)\/(\d+)\/(\d+)\.png$/.exec(req.url ?? '')
    if (!m) {
      res.writeHead(404).end()
      return
    }
    const [z, x, y] = m.slice(1).map(Number)
    requests.push(`${z}/${x}/${y}`)
    res.writeHead(200, { 'content-type': 'image/png' }).end(solidPng((x * 37) % 256, (y * 53) % 256, (z * 20) % 256))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    template: `http://127.0.0.1:${port}/{z}/{x}/{y}.png`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
