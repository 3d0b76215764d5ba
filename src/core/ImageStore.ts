import { BatchedReads } from './BatchedReads.js'
import { checkOption } from './checkOption.js'
import { countEntries } from './countEntries.js'
import { deleteEntries } from './deleteEntries.js'
import { evictLeastRecent, type Excess } from './evictLeastRecent.js'
import { ForwardWrites } from './ForwardWrites.js'
import type {
  ImageStoreChange,
  ImageStoreEntry,
  ImageStoreOptions,
  ImageStoreStats,
} from './ImageStoreOptions.js'
import { KeyedBatch } from './KeyedBatch.js'
import { listEntries } from './listEntries.js'
import { openWithin } from './openWithin.js'
import { PixstoreDatabase, type StoredImage } from './PixstoreDatabase.js'
import { storageError } from './storageError.js'
import { Subscribable } from './Subscribable.js'

/**
 * The encrypted image cache over Dexie: batched reads, batched `lastUsed` updates and LRU
 * eviction by entry count and bytes that reads index keys only, never ciphertext.
 */
export class ImageStore {
  readonly db: PixstoreDatabase
  readonly maxEntries: number
  readonly maxBytes: number
  private readonly evictionBatch: number
  private readonly now: () => number
  private readonly openTimeout: number
  private readonly reads: BatchedReads
  private readonly writes: ForwardWrites
  private readonly touches: KeyedBatch<number>
  private readonly changes = new Subscribable<ImageStoreChange>()
  private evicting: Promise<string[]> | undefined
  // Stryker disable next-line BooleanLiteral: every run sets it to false before it starts
  private evictAgain = false

  constructor(options: ImageStoreOptions = {}) {
    checkOption('cache.maxEntries', options.maxEntries, { min: 1 })
    checkOption('cache.maxBytes', options.maxBytes, { min: 1 })
    checkOption('cache.evictionBatch', options.evictionBatch)
    checkOption('cache.touchDelay', options.touchDelay, { integer: false })
    checkOption('cache.openTimeout', options.openTimeout, { min: 1, integer: false })
    this.db = options.database ?? new PixstoreDatabase(options.dbName ?? 'pixstore')
    this.maxEntries = options.maxEntries ?? 1000
    this.maxBytes = options.maxBytes ?? 256 * 1024 * 1024
    this.evictionBatch = Math.min(options.evictionBatch ?? 0, this.maxEntries - 1)
    this.now = options.now ?? Date.now
    this.openTimeout = options.openTimeout ?? 3000
    this.reads = new BatchedReads({
      db: this.db,
      whenOpen: (what, operation) => this.whenOpen(what, operation),
    })
    this.writes = new ForwardWrites({
      db: this.db,
      whenOpen: (what, operation) => this.whenOpen(what, operation),
      evictOldest: (bytes, entries) => this.evictWhere(() => ({ entries, bytes })),
      written: () => void this.evict().catch(() => undefined),
    })
    this.touches = new KeyedBatch(
      options.touchDelay ?? 1000,
      (batch) => void this.writeTouches(batch).catch(() => undefined),
    )
  }

  /**
   * Runs `operation` once the database is open (within `openTimeout`); a failure is a
   * `storage` error saying `what` failed.
   */
  private async whenOpen<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      // Stryker disable next-line ConditionalExpression,BooleanLiteral: open() on an open database resolves at once; a blocked open is tested
      if (!this.db.isOpen()) await openWithin(this.db, this.openTimeout)
      return await operation()
    } catch (error) {
      throw storageError(error, what)
    }
  }

  /** Reads one entry (see `BatchedReads`: one transaction per task, each row answered as it lands). */
  get(id: string): Promise<StoredImage | undefined> {
    return this.reads.get(id)
  }

  /**
   * Writes an entry (see `ForwardWrites`: one transaction per task, versions forward only,
   * cancelled by a `delete(id)` or `clear()` before it lands, a full disk retried once), then
   * enforces the limits.
   */
  put(entry: StoredImage): Promise<void> {
    this.touches.pending.delete(entry.id)
    return this.writes.add(entry, this.now())
  }

  /** Writes the queued writes and `lastUsed` updates now, without waiting for their timers. */
  async flush(): Promise<void> {
    await this.writes.flushNow()
    await this.flushTouches().catch(() => undefined)
  }

  /** Marks an entry as used now; written later, together with other touches. */
  touch(id: string): void {
    this.touches.add(id, () => this.now())
  }

  /** Writes pending `lastUsed` updates now, in one transaction. */
  private flushTouches(): Promise<void> {
    return this.writeTouches(this.touches.take())
  }

  private async writeTouches(touches: Map<string, number>): Promise<void> {
    if (touches.size === 0) return
    // Stryker disable next-line StringLiteral: Dexie reads '' as the primary key too
    const rows = () => this.db.usage.where('id').anyOf([...touches.keys()])
    // Stryker disable next-line StringLiteral: every caller drops a failed touch (it only ages an entry), so no one reads this
    await this.whenOpen('Updating lastUsed', () =>
      rows().modify((row) => {
        row.lastUsed = Math.max(row.lastUsed, touches.get(row.id)!)
      }),
    )
  }

  /** Deletes one entry; a write of it not yet landed is cancelled. */
  async delete(id: string): Promise<void> {
    this.touches.pending.delete(id)
    this.writes.drop(id)
    await this.whenOpen('Deleting from the image cache', () => deleteEntries(this.db, [id]))
    this.changes.emit({ type: 'delete', ids: [id] })
  }

  /** Whether an entry exists, read from the primary key alone. */
  async has(id: string): Promise<boolean> {
    const count = await this.whenOpen('Reading the image cache', () =>
      // Stryker disable next-line StringLiteral: Dexie reads '' as the primary key too
      this.db.images.where('id').equals(id).count(),
    )
    return count > 0
  }

  /** Empties the store; writes not yet landed are cancelled. */
  async clear(): Promise<void> {
    this.touches.take()
    this.writes.drop()
    await this.whenOpen('Clearing the image cache', () => deleteEntries(this.db))
    this.changes.emit({ type: 'clear', ids: [] })
  }

  /** Entry count and ciphertext bytes, from the LRU index keys only. */
  stats(): Promise<ImageStoreStats> {
    return this.whenOpen('Reading cache stats', () => this.liveStats())
  }

  /** `stats()` made of Dexie calls only, for `liveQuery` (`countEntries`). */
  liveStats(): Promise<ImageStoreStats> {
    return countEntries(this.db)
  }

  /** The `limit` most recently used entries, without ciphertext, for `liveQuery` (`listEntries`). */
  liveEntries(limit: number): Promise<ImageStoreEntry[]> {
    return listEntries(this.db, limit)
  }

  /**
   * Evicts least-recently-used entries until both limits hold. Runs one at a time; a call
   * during a run schedules one more run. Resolves with the ids evicted.
   */
  evict(): Promise<string[]> {
    if (this.evicting) {
      this.evictAgain = true
      return this.evicting
    }
    this.evicting = (async () => {
      const evicted: string[] = []
      try {
        do {
          this.evictAgain = false
          await this.flushTouches().catch(() => undefined)
          evicted.push(...(await this.evictOnce()))
        } while (this.evictAgain)
      } finally {
        this.evicting = undefined
      }
      return evicted
    })()
    return this.evicting
  }

  private evictOnce(): Promise<string[]> {
    return this.whenOpen('Evicting from the image cache', () =>
      this.evictWhere((entries, bytes) => {
        const entryTarget = entries > this.maxEntries ? this.maxEntries - this.evictionBatch : entries
        return { entries: entries - entryTarget, bytes: bytes - this.maxBytes }
      }),
    )
  }

  private async evictWhere(excess: (entries: number, bytes: number) => Excess): Promise<string[]> {
    const ids = await evictLeastRecent(this.db, excess)
    if (ids.length > 0) this.changes.emit({ type: 'evict', ids })
    return ids
  }

  /** Listens to entries leaving the store (eviction, deletion, clearing). */
  subscribe(listener: (change: ImageStoreChange) => void): () => void {
    return this.changes.subscribe(listener)
  }

  /** Writes pending touches and closes the database. */
  async close(): Promise<void> {
    await this.reads.flushNow()
    await this.flush()
    this.db.close()
  }
}
