import type { ImageStoreEntry } from './ImageStoreOptions.js'
import { LRU_INDEX, type PixstoreDatabase } from './PixstoreDatabase.js'

/**
 * The `limit` most recently used entries, newest first, without their ciphertext. Dexie
 * calls only, so it can run inside `liveQuery`.
 */
export async function listEntries(db: PixstoreDatabase, limit: number): Promise<ImageStoreEntry[]> {
  const rows = await db.usage.orderBy(LRU_INDEX).reverse().limit(limit).toArray()
  return rows.map(({ id, token, bytes, lastUsed }) => ({ id, token, bytes, lastUsed }))
}
