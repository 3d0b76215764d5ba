import type { PixstoreDatabase } from './PixstoreDatabase.js'

/** Options of an `ImageStore`. */
export interface ImageStoreOptions {
  /** IndexedDB database name. @default 'pixstore' */
  dbName?: string
  /** A database to use instead of opening `dbName` (e.g. with Dexie middleware or a test IndexedDB). */
  database?: PixstoreDatabase
  /** Most entries kept. @default 1000 */
  maxEntries?: number
  /** Most ciphertext bytes kept. @default 268435456 (256 MiB) */
  maxBytes?: number
  /** Entries evicted beyond `maxEntries` at once, so eviction does not run on every write. @default 0 */
  evictionBatch?: number
  /** How long `lastUsed` updates are gathered before one write. @default 1000 (ms) */
  touchDelay?: number
  /** Milliseconds to wait for the database to open (another tab may block it) before
   * operations fail with `storage` and images come from the network. @default 3000 */
  openTimeout?: number
  /** Clock for `lastUsed`. @default Date.now */
  now?: () => number
}

/** What a store holds. */
export interface ImageStoreStats {
  entries: number
  bytes: number
}

/** Why entries left the store. */
export interface ImageStoreChange {
  type: 'evict' | 'delete' | 'clear'
  /** The ids removed; empty for `clear`. */
  ids: string[]
}

/** One cached version as listed for inspection: never its ciphertext. */
export interface ImageStoreEntry {
  id: string
  token: number
  /** Ciphertext bytes. */
  bytes: number
  /** When it was last shown (the store's clock, ms). */
  lastUsed: number
}
