import type { ImageStoreEntry } from './ImageStoreOptions.js'
import { LRU_INDEX, type PixstoreDatabase } from './PixstoreDatabase.js'

/**
 * The `limit` most recently used entries, newest first, without their ciphertext. Dexie
 * calls only, so it can run inside `liveQuery`.
 */
export async function listEntries(db: PixstoreDatabase, limit: number): Promise<ImageStoreEntry[]> {
  const ids = await db.images.orderBy(LRU_INDEX).reverse().limit(limit).primaryKeys()
  const rows = await db.images.bulkGet(ids)
  return rows.flatMap((row) =>
    // Stryker disable next-line ArrayDeclaration: only a row deleted between the two reads is missing; the next live run lists without it
    row ? [{ id: row.id, token: row.token, bytes: row.bytes, lastUsed: row.lastUsed }] : [],
  )
}
