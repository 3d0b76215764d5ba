import { checkOption } from './checkOption.js'
import { KeyedBatch } from './KeyedBatch.js'
import { PixstoreDatabase, LRU_INDEX, type StoredImage } from './PixstoreDatabase.js'
import { PixstoreError } from './PixstoreError.js'

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

type Waiter<T> = { resolve: (value: T) => void; reject: (error: unknown) => void }

/** Writes waiting for one transaction, by id: the newest row asked for and its callers. */
type WriteBatch = Map<string, { row: StoredImage; waiters: Array<Waiter<void>> }>

function isQuotaError(error: unknown): boolean {
  for (
    let e = error as { name?: string; inner?: unknown; failures?: unknown } | undefined;
    e;
    e = e.inner as typeof e
  ) {
    if (e.name === 'QuotaExceededError') return true
    // A bulk operation reports each failed item.
    if (e.failures && Object.values(e.failures as object).some(isQuotaError)) return true
  }
  return false
}

function storageError(error: unknown, what: string): PixstoreError {
  return error instanceof PixstoreError
    ? error
    : new PixstoreError('storage', `${what} failed`, { cause: error })
}

/** A copy that owns its buffer, unless the array already does. */
function ownedBytes(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  // Stryker disable next-line all: only a real IndexedDB stores the whole buffer of a view; the hand-written mutant 'At rest: a view is stored with its whole buffer' guards this line
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
}

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
  private readonly reads = new KeyedBatch<Array<Waiter<StoredImage | undefined>>>(
    0,
    (batch) => void this.flushReads(batch),
  )
  private readonly writes = new KeyedBatch<{ row: StoredImage; waiters: Array<Waiter<void>> }>(
    0,
    (batch) => void this.flushWrites(batch),
  )
  /** Batches being written; a delete or clear still takes rows out until their transaction reads them. */
  private readonly flushing = new Set<WriteBatch>()
  private readonly touches: KeyedBatch<number>
  private readonly listeners = new Set<(change: ImageStoreChange) => void>()
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
    this.touches = new KeyedBatch(
      options.touchDelay ?? 1000,
      (batch) => void this.writeTouches(batch).catch(() => undefined),
    )
    // Another tab upgrading or deleting the database must not wait on this one: close
    // quietly and reopen on the next operation.
    this.db.on('versionchange', () => {
      this.db.close({ disableAutoOpen: false })
      return false
    })
  }

  /**
   * Runs `operation` once the database is open; a failure is a `storage` error saying
   * `what` failed. An open blocked by another connection (an old tab that ignores
   * `versionchange`) fails after `openTimeout` instead of hanging every caller.
   */
  private async whenOpen<T>(what: string, operation: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      // Stryker disable next-line ConditionalExpression,BooleanLiteral: open() on an open database resolves at once; a blocked open is tested
      if (!this.db.isOpen()) {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(new PixstoreError('storage', `The image cache did not open in ${this.openTimeout} ms`)),
            this.openTimeout,
          )
        })
        await Promise.race([this.db.open(), timeout])
      }
      return await operation()
    } catch (error) {
      throw storageError(error, what)
      // Stryker disable next-line BlockStatement: the timer would only reject a race already settled
    } finally {
      clearTimeout(timer)
    }
  }

  /** Reads one entry. Reads requested in the same task share one transaction. */
  get(id: string): Promise<StoredImage | undefined> {
    return new Promise((resolve, reject) => {
      this.reads.add(id, (waiters = []) => [...waiters, { resolve, reject }])
    })
  }

  private async flushReads(batch: Map<string, Array<Waiter<StoredImage | undefined>>>): Promise<void> {
    if (batch.size === 0) return
    const ids = [...batch.keys()]
    try {
      const rows = await this.whenOpen('Reading the image cache', () => this.db.images.bulkGet(ids))
      ids.forEach((id, i) => batch.get(id)!.forEach((w) => w.resolve(rows[i])))
    } catch (error) {
      for (const waiters of batch.values()) waiters.forEach((w) => w.reject(error))
    }
  }

  /**
   * Writes an entry, then enforces the limits. Writes requested in the same task share one
   * transaction. Versions only move forward: an entry whose cached token is newer is left
   * as it is. A `delete(id)` or `clear()` before the write lands cancels it. A full disk
   * (`QuotaExceededError`) evicts room for the batch and tries once more; a second failure
   * is a `storage` error.
   */
  put(entry: Omit<StoredImage, 'bytes' | 'lastUsed'>): Promise<void> {
    const encrypted = ownedBytes(entry.encrypted)
    const row: StoredImage = {
      id: entry.id,
      token: entry.token,
      encrypted,
      bytes: encrypted.byteLength,
      lastUsed: this.now(),
    }
    this.touches.pending.delete(row.id)
    return new Promise((resolve, reject) => {
      this.writes.add(row.id, (pending) => ({
        row: pending && pending.row.token > row.token ? pending.row : row,
        waiters: [...(pending?.waiters ?? []), { resolve, reject }],
      }))
    })
  }

  private async flushWrites(batch: WriteBatch): Promise<void> {
    if (batch.size === 0) return
    this.flushing.add(batch)
    const settle = (outcome: (waiter: Waiter<void>) => void) =>
      batch.forEach((pending) => pending.waiters.forEach(outcome))
    try {
      await this.whenOpen('Writing the image cache', async () => {
        try {
          await this.writeForward(batch)
        } catch (error) {
          if (!isQuotaError(error)) throw error
          const bytes = [...batch.values()].reduce((sum, { row }) => sum + row.bytes, 0)
          await this.evictOldest(bytes * 2, Math.ceil((await this.db.images.count()) / 10))
          await this.writeForward(batch).catch((retryError: unknown) => {
            throw storageError(retryError, 'Writing the image cache after eviction')
          })
        }
      })
      settle((w) => w.resolve())
      void this.evict().catch(() => undefined)
    } catch (error) {
      settle((w) => w.reject(error))
      // Stryker disable next-line BlockStatement: a settled batch left in the set costs memory, not behaviour
    } finally {
      this.flushing.delete(batch)
    }
  }

  /**
   * Writes a batch in one read-write transaction, skipping rows whose cached version is
   * newer. The rows are read inside the transaction, so one taken out by a delete or clear
   * before it started is not written, and one after it runs later and wins.
   */
  private writeForward(batch: WriteBatch): Promise<void> {
    return this.db.transaction('rw', this.db.images, async () => {
      const rows = [...batch.values()].map(({ row }) => row)
      const cached = await this.db.images.bulkGet(rows.map((row) => row.id))
      await this.db.images.bulkPut(rows.filter((row, i) => (cached[i]?.token ?? -Infinity) <= row.token))
    })
  }

  /** Cancels the writes not yet landed, of one id or of all; their callers resolve. */
  private dropWrites(id?: string): void {
    for (const batch of [this.writes.pending, ...this.flushing]) {
      for (const [key, pending] of batch) {
        if (id !== undefined && key !== id) continue
        batch.delete(key)
        pending.waiters.forEach((w) => w.resolve())
      }
    }
  }

  /** Marks an entry as used now; written later, together with other touches. */
  touch(id: string): void {
    this.touches.add(id, () => this.now())
  }

  /** Writes pending `lastUsed` updates now, in one transaction. */
  flushTouches(): Promise<void> {
    return this.writeTouches(this.touches.take())
  }

  private async writeTouches(touches: Map<string, number>): Promise<void> {
    if (touches.size === 0) return
    await this.whenOpen('Updating lastUsed', () =>
      this.db.images
        // Stryker disable next-line StringLiteral: Dexie reads '' as the primary key too
        .where('id')
        .anyOf([...touches.keys()])
        .modify((row) => {
          row.lastUsed = Math.max(row.lastUsed, touches.get(row.id)!)
        }),
    )
  }

  /** Deletes one entry; a write of it not yet landed is cancelled. */
  async delete(id: string): Promise<void> {
    this.touches.pending.delete(id)
    this.dropWrites(id)
    await this.whenOpen('Deleting from the image cache', () => this.db.images.delete(id))
    this.emit({ type: 'delete', ids: [id] })
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
    this.dropWrites()
    await this.whenOpen('Clearing the image cache', () => this.db.images.clear())
    this.emit({ type: 'clear', ids: [] })
  }

  /** Entry count and ciphertext bytes, from the LRU index keys only. */
  stats(): Promise<ImageStoreStats> {
    return this.whenOpen('Reading cache stats', () => this.liveStats())
  }

  /**
   * `stats()` made of Dexie calls only, so it can run inside `liveQuery` (and
   * `useLiveQuery`), which tracks what it reads and runs it again on changes.
   */
  liveStats(): Promise<ImageStoreStats> {
    let entries = 0
    let bytes = 0
    return this.db.images
      .orderBy(LRU_INDEX)
      .eachKey((key) => {
        entries++
        bytes += (key as [number, number])[1]
      })
      .then(() => ({ entries, bytes }))
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

  /** Evicts the oldest entries until at least `bytes` and `entries` are freed. */
  private evictOldest(bytes: number, entries: number): Promise<string[]> {
    return this.evictWhere(() => ({ entries, bytes }))
  }

  private async evictWhere(
    excess: (entries: number, bytes: number) => { entries: number; bytes: number },
  ): Promise<string[]> {
    const lru = this.db.images.orderBy(LRU_INDEX)
    const ids = await this.db.transaction('rw', this.db.images, async () => {
      // Two streaming passes over index keys: memory stays flat however large the store.
      const entries = await this.db.images.count()
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
      await this.db.images.bulkDelete(doomed)
      return doomed
    })
    if (ids.length > 0) this.emit({ type: 'evict', ids })
    return ids
  }

  /** Listens to entries leaving the store (eviction, deletion, clearing). */
  subscribe(listener: (change: ImageStoreChange) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private emit(change: ImageStoreChange): void {
    for (const listener of this.listeners) listener(change)
  }

  /** Writes pending touches and closes the database. */
  async close(): Promise<void> {
    await this.flushReads(this.reads.take())
    await this.flushWrites(this.writes.take())
    await this.flushTouches().catch(() => undefined)
    this.db.close()
  }
}
