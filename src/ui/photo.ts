/**
 * A photo from the camera or a file, as every feature takes it (visits, issues, patrol answers):
 * compressed on the phone before it is stored (DESIGN §3: long side ≤ 1600 px, JPEG ~0.75), so a
 * 5 MB camera picture travels as a few hundred KB, then kept in `blobs` under its SHA-256.
 */
import { appDb } from '@/db'
import { storePhoto } from '@/db/blobs'

export const PHOTO_MAX_SIDE = 1600
export const PHOTO_QUALITY = 0.75
export const PHOTO_OPTIONS = {
  maxWidthOrHeight: PHOTO_MAX_SIDE,
  initialQuality: PHOTO_QUALITY,
  fileType: 'image/jpeg',
  // Its web worker loads the library from a CDN: offline (and under CSP 'self') it runs here instead.
  useWebWorker: false,
} as const

/** Compresses and stores a photo; returns its key for a record's `photoIds`. */
export async function addPhoto(file: File): Promise<string> {
  // Loaded on first use: the compressor is not needed to open the app.
  const { default: imageCompression } = await import('browser-image-compression')
  const compressed = await imageCompression(file, { ...PHOTO_OPTIONS })
  return storePhoto(appDb(), compressed)
}
