/**
 * Bundled by bench/patrol.ts (never shipped) and run in the unlocked app page: stores a finished
 * patrol and its track segments through the app's own database class, so they are sealed at rest
 * under the page's key (issue 19) as the phone's own patrols are, and the draw opens them as it would.
 */
import './zod-jitless'
import { FullGridDb } from '../src/db'
import type { EntityTypes } from '../src/domain/entities'

export async function storeTrack(patrol: EntityTypes['patrols'], segments: EntityTypes['trackSegments'][], dbName = 'fullgrid'): Promise<void> {
  const db = new FullGridDb(dbName)
  await db.open()
  try {
    await db.transaction('rw', db.patrols, db.trackSegments, async () => {
      await db.patrols.put(patrol)
      await db.trackSegments.bulkPut(segments)
    })
  } finally {
    db.close()
  }
}
