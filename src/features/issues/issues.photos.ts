/**
 * Photos taken for an issue are compressed on the phone before they are stored (DESIGN §3: long
 * side ≤ 1600 px, JPEG ~0.75), so a 5 MB camera picture travels as a few hundred KB.
 */
import { appDb } from '@/db'
import { storePhoto } from '@/db/issuePhotos'

export const PHOTO_MAX_SIDE = 1600
export const PHOTO_QUALITY = 0.75

/** Compress and store; returns the photo's key for `photoIds`. */
export async function addIssuePhoto(file: File): Promise<string> {
  // Loaded on first use: the compressor is not needed to open the app.
  const { default: imageCompression } = await import('browser-image-compression')
  const compressed = await imageCompression(file, {
    maxWidthOrHeight: PHOTO_MAX_SIDE,
    initialQuality: PHOTO_QUALITY,
    fileType: 'image/jpeg',
    // Its worker loads the library from a CDN: offline (and same-origin only) it runs here instead.
    useWebWorker: false,
  })
  return storePhoto(appDb(), compressed)
}
