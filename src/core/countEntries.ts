import { LRU_INDEX, type PixstoreDatabase } from './PixstoreDatabase.js'
import type { ImageStoreStats } from './ImageStoreOptions.js'

/**
 * Entry count and ciphertext bytes from the LRU index keys alone (they hold each entry's
 * size), never loading ciphertext. Dexie calls only, so it can run inside `liveQuery`.
 */
export async function countEntries(db: PixstoreDatabase): Promise<ImageStoreStats> {
  let entries = 0
  let bytes = 0
  await db.usage.orderBy(LRU_INDEX).eachKey((key) => {
    entries++
    bytes += (key as [number, number])[1]
  })
  return { entries, bytes }
}
