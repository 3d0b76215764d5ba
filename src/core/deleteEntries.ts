import type { PixstoreDatabase } from './PixstoreDatabase.js'

/**
 * Deletes entries from the database, their ciphertext and their usage together in one
 * transaction (joining the caller's, inside one); every entry without `ids`.
 */
export function deleteEntries(db: PixstoreDatabase, ids?: string[]): Promise<unknown> {
  return db.transaction('rw', [db.images, db.usage], () =>
    ids === undefined
      ? Promise.all([db.images.clear(), db.usage.clear()])
      : Promise.all([db.images.bulkDelete(ids), db.usage.bulkDelete(ids)]),
  )
}
