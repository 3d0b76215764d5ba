import { Dexie } from 'dexie'
import { checkOption } from './checkOption.js'
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
    if (e.name === 'QuotaExceededError' || e.name === Dexie.errnames.QuotaExceeded) return true
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
  private readonly touchDelay: number
  private readonly now: () => number
  private readonly openTimeout: number
  private readonly pendingReads = new Map<string, Array<Waiter<StoredImage | undefined>>>()
  private pendingWrites: WriteBatch = new Map()
  /** Batches being written; a delete or clear still takes rows out until their transaction reads them. */
  private readonly flushing = new Set<WriteBatch>()
  private readonly pendingTouches = new Map<string, number>()
  private readonly listeners = new Set<(change: ImageStoreChange) => void>()
  private readTimer: ReturnType<typeof setTimeout> | undefined
  private touchTimer: ReturnType<typeof setTimeout> | undefined
  private writeTimer: ReturnType<typeof setTimeout> | undefined
  private evicting: Promise<string[]> | undefined
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
    this.evictionBatch = Math.min(options.evictionBatch ?? 0, Math.max(this.maxEntries - 1, 0))
    this.touchDelay = options.touchDelay ?? 1000
    this.now = options.now ?? Date.now
    this.openTimeout = options.openTimeout ?? 3000
    // Another tab upgrading or deleting the database must not wait on this one: close
    // quietly and reopen on the next operation.
    this.db.on('versionchange', () => {
      this.db.close({ disableAutoOpen: false })
      return false
    })
  }

  /**
   * Resolves once the database is open. An open blocked by another connection (an old tab
   * that ignores `versionchange`) fails after `openTimeout` instead of hanging every caller.
   */
  private async ready(): Promise<void> {
    if (this.db.isOpen()) return
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PixstoreError('storage', `The image cache did not open in ${this.openTimeout} ms`)),
        this.openTimeout,
      )
    })
    try {
      await Promise.race([this.db.open(), timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  /** Reads one entry. Reads requested in the same task share one transaction. */
  get(id: string): Promise<StoredImage | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.pendingReads.get(id)
      if (waiters) waiters.push({ resolve, reject })
      else this.pendingReads.set(id, [{ resolve, reject }])
      this.readTimer ??= setTimeout(() => void this.flushReads(), 0)
    })
  }

  private async flushReads(): Promise<void> {
    this.readTimer = undefined
    const batch = new Map(this.pendingReads)
    this.pendingReads.clear()
    const ids = [...batch.keys()]
    try {
      await this.ready()
      const rows = await this.db.images.bulkGet(ids)
      ids.forEach((id, i) => batch.get(id)!.forEach((w) => w.resolve(rows[i])))
    } catch (error) {
      const failure = storageError(error, 'Reading the image cache')
      for (const waiters of batch.values()) waiters.forEach((w) => w.reject(failure))
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
    this.pendingTouches.delete(row.id)
    return new Promise((resolve, reject) => {
      const pending = this.pendingWrites.get(row.id)
      if (pending) {
        if (row.token >= pending.row.token) pending.row = row
        pending.waiters.push({ resolve, reject })
      } else {
        this.pendingWrites.set(row.id, { row, waiters: [{ resolve, reject }] })
      }
      this.writeTimer ??= setTimeout(() => void this.flushWrites(), 0)
    })
  }

  private async flushWrites(): Promise<void> {
    this.writeTimer = undefined
    const batch = this.pendingWrites
    this.pendingWrites = new Map()
    this.flushing.add(batch)
    const settle = (outcome: (waiter: Waiter<void>) => void) =>
      batch.forEach((pending) => pending.waiters.forEach(outcome))
    try {
      await this.ready()
      try {
        await this.writeForward(batch)
      } catch (error) {
        if (!isQuotaError(error)) throw storageError(error, 'Writing the image cache')
        const bytes = [...batch.values()].reduce((sum, { row }) => sum + row.bytes, 0)
        await this.evictOldest(bytes * 2, Math.ceil((await this.db.images.count()) / 10))
        try {
          await this.writeForward(batch)
        } catch (retryError) {
          throw storageError(retryError, 'Writing the image cache after eviction')
        }
      }
      settle((w) => w.resolve())
      void this.evict().catch(() => undefined)
    } catch (error) {
      const failure = storageError(error, 'Writing the image cache')
      settle((w) => w.reject(failure))
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
      if (rows.length === 0) return
      const cached = await this.db.images.bulkGet(rows.map((row) => row.id))
      const forward = rows.filter((row, i) => (cached[i]?.token ?? -Infinity) <= row.token)
      if (forward.length > 0) await this.db.images.bulkPut(forward)
    })
  }

  /** Cancels the writes not yet landed, of one id or of all; their callers resolve. */
  private dropWrites(id?: string): void {
    for (const batch of [this.pendingWrites, ...this.flushing]) {
      for (const [key, pending] of batch) {
        if (id !== undefined && key !== id) continue
        batch.delete(key)
        pending.waiters.forEach((w) => w.resolve())
      }
    }
  }

  /** Marks an entry as used now; written later, together with other touches. */
  touch(id: string): void {
    this.pendingTouches.set(id, this.now())
    this.touchTimer ??= setTimeout(() => void this.flushTouches().catch(() => undefined), this.touchDelay)
  }

  /** Writes pending `lastUsed` updates now, in one transaction. */
  async flushTouches(): Promise<void> {
    clearTimeout(this.touchTimer)
    this.touchTimer = undefined
    if (this.pendingTouches.size === 0) return
    const touches = new Map(this.pendingTouches)
    this.pendingTouches.clear()
    try {
      await this.ready()
      await this.db.images
        .where('id')
        .anyOf([...touches.keys()])
        .modify((row) => {
          row.lastUsed = Math.max(row.lastUsed, touches.get(row.id)!)
        })
    } catch (error) {
      throw storageError(error, 'Updating lastUsed')
    }
  }

  /** Deletes one entry; a write of it not yet landed is cancelled. */
  async delete(id: string): Promise<void> {
    this.pendingTouches.delete(id)
    this.dropWrites(id)
    try {
      await this.ready()
      await this.db.images.delete(id)
    } catch (error) {
      throw storageError(error, 'Deleting from the image cache')
    }
    this.emit({ type: 'delete', ids: [id] })
  }

  /** Whether an entry exists, read from the primary key alone. */
  async has(id: string): Promise<boolean> {
    try {
      await this.ready()
      return (await this.db.images.where('id').equals(id).count()) > 0
    } catch (error) {
      throw storageError(error, 'Reading the image cache')
    }
  }

  /** Empties the store; writes not yet landed are cancelled. */
  async clear(): Promise<void> {
    this.pendingTouches.clear()
    this.dropWrites()
    try {
      await this.ready()
      await this.db.images.clear()
    } catch (error) {
      throw storageError(error, 'Clearing the image cache')
    }
    this.emit({ type: 'clear', ids: [] })
  }

  /** Entry count and ciphertext bytes, from the LRU index keys only. */
  async stats(): Promise<ImageStoreStats> {
    try {
      await this.ready()
      return await this.liveStats()
    } catch (error) {
      throw storageError(error, 'Reading cache stats')
    }
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
    return this.evictWhere((entries, bytes) => {
      const entryTarget = entries > this.maxEntries ? this.maxEntries - this.evictionBatch : entries
      return { entries: entries - entryTarget, bytes: bytes - this.maxBytes }
    })
  }

  /** Evicts the oldest entries until at least `bytes` and `entries` are freed. */
  private evictOldest(bytes: number, entries: number): Promise<string[]> {
    return this.evictWhere(() => ({ entries, bytes }))
  }

  private async evictWhere(
    excess: (entries: number, bytes: number) => { entries: number; bytes: number },
  ): Promise<string[]> {
    await this.ready()
    const lru = this.db.images.orderBy(LRU_INDEX)
    const ids = await this.db.transaction('rw', this.db.images, async () => {
      // Two streaming passes over index keys: memory stays flat however large the store.
      const entries = await this.db.images.count()
      let total = 0
      await lru.clone().eachKey((key) => void (total += (key as [number, number])[1]))
      const need = excess(entries, total)
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
      if (doomed.length > 0) await this.db.images.bulkDelete(doomed)
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
    clearTimeout(this.readTimer)
    clearTimeout(this.writeTimer)
    if (this.pendingReads.size > 0) await this.flushReads()
    if (this.pendingWrites.size > 0) await this.flushWrites()
    await this.flushTouches().catch(() => undefined)
    this.db.close()
  }
}
