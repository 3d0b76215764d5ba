import { Dexie, type DexieOptions, type EntityTable } from 'dexie'

/** One cached image version: ciphertext only, never a key, never plaintext. */
export interface StoredImage {
  id: string
  token: number
  /** Ciphertext; owns its buffer, so nothing else is ever serialised with it. */
  encrypted: Uint8Array<ArrayBuffer>
  /** `encrypted.byteLength`, kept in the LRU index so eviction never loads ciphertext. */
  bytes: number
  lastUsed: number
}

/** LRU index: its keys carry the size too, so limits are enforced from keys alone. */
export const LRU_INDEX = '[lastUsed+bytes]'

/** The Dexie database behind the image cache (default name `pixstore`). */
export class PixstoreDatabase extends Dexie {
  images!: EntityTable<StoredImage, 'id'>

  constructor(name: string, options?: DexieOptions) {
    super(name, options)
    // Version 2 so that a database left by pixstore 3's frontend (IndexedDB version 1, same
    // store name) is upgraded, and its entries, whose buffers may hold keys, are dropped.
    this.version(2)
      .stores({ images: `id, ${LRU_INDEX}` })
      .upgrade((tx) => tx.table('images').clear())
    // Another tab upgrading or deleting the database must not wait on this one: close
    // quietly and reopen on the next operation.
    this.on('versionchange', () => {
      // Stryker disable next-line ObjectLiteral: Dexie 4 reopens on the next operation either way
      this.close({ disableAutoOpen: false })
      return false
    })
  }
}
