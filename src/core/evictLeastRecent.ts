import { deleteEntries } from './deleteEntries.js'
import { LRU_INDEX, type PixstoreDatabase } from './PixstoreDatabase.js'

/** How much an eviction must free: entries and ciphertext bytes (zero or less: none). */
export interface Excess {
  entries: number
  bytes: number
}

/**
 * Deletes the least recently used entries, in one read-write transaction, until what
 * `excess(entries, bytes)` asks of the store's totals is freed. Reads index keys only, in
 * two streaming passes, so neither ciphertext nor a list of the store is ever in memory.
 * Resolves with the ids deleted.
 */
export function evictLeastRecent(
  db: PixstoreDatabase,
  excess: (entries: number, bytes: number) => Excess,
): Promise<string[]> {
  const lru = db.usage.orderBy(LRU_INDEX)
  return db.transaction('rw', [db.images, db.usage], async () => {
    const entries = await db.usage.count()
    let total = 0
    await lru.clone().eachKey((key) => void (total += (key as [number, number])[1]))
    const need = excess(entries, total)
    // Stryker disable next-line ConditionalExpression,EqualityOperator: without it the scan below stops at its first key; this skips the scan
    if (need.entries <= 0 && need.bytes <= 0) return []
    const doomed: string[] = []
    let freed = 0
    await lru
      .clone()
      .until(() => doomed.length >= need.entries && freed >= need.bytes)
      .eachKey((key, cursor) => {
        doomed.push(cursor.primaryKey as string)
        freed += (key as [number, number])[1]
      })
    await deleteEntries(db, doomed)
    return doomed
  })
}
