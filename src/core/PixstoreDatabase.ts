import { Dexie, type DexieOptions, type EntityTable } from 'dexie'
import type { ImageStoreEntry } from './ImageStoreOptions.js'

/** One cached image version: ciphertext only, never a key, never plaintext. */
export interface StoredImage {
  id: string
  token: number
  /** Ciphertext; owns its buffer, so nothing else is ever serialised with it. */
  encrypted: Uint8Array<ArrayBuffer>
}

/** LRU index of `usage`: its keys carry the size too, so limits are enforced from keys alone. */
export const LRU_INDEX = '[lastUsed+bytes]'

/** The Dexie database behind the image cache (default name `pixstore`). */
export class PixstoreDatabase extends Dexie {
  /** Each cached version's ciphertext, by id. */
  images!: EntityTable<StoredImage, 'id'>
  /**
   * Each cached version's size and last use, by id, written with its ciphertext. A table of
   * its own because IndexedDB rewrites a whole row to change one field: a use updates these
   * few bytes, not the image.
   */
  usage!: EntityTable<ImageStoreEntry, 'id'>

  constructor(name: string, options?: DexieOptions) {
    super(name, options)
    // Version 2 so that a database left by pixstore 3's frontend (IndexedDB version 1, same
    // store name) is upgraded, and its entries, whose buffers may hold keys, are dropped.
    this.version(2)
      .stores({ images: `id, ${LRU_INDEX}` })
      .upgrade((tx) => tx.table('images').clear())
    // Version 3 moves size and last use out of the image rows. Their old copies stay in those
    // rows, unread: removing them would rewrite every cached image once.
    this.version(3)
      .stores({ images: 'id', usage: `id, ${LRU_INDEX}` })
      .upgrade(async (tx) => {
        const usage: ImageStoreEntry[] = []
        await tx
          .table<ImageStoreEntry>('images')
          .each(({ id, token, bytes, lastUsed }) => void usage.push({ id, token, bytes, lastUsed }))
        await tx.table('usage').bulkAdd(usage)
      })
    // Another tab upgrading or deleting the database must not wait on this one: close
    // quietly and reopen on the next operation.
    this.on('versionchange', () => {
      // Stryker disable next-line ObjectLiteral: Dexie 4 reopens on the next operation either way
      this.close({ disableAutoOpen: false })
      return false
    })
  }
}
