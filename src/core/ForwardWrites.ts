import { isQuotaError } from './isQuotaError.js'
import { KeyedBatch } from './KeyedBatch.js'
import type { PixstoreDatabase, StoredImage } from './PixstoreDatabase.js'
import { storageError } from './storageError.js'
import type { Waiter } from './Waiter.js'

/** Writes waiting for one transaction, by id: the newest row asked for and its callers. */
type WriteBatch = Map<string, { row: StoredImage; waiters: Array<Waiter<void>> }>

/** What the writes need of their store. */
export interface ForwardWritesHost {
  db: PixstoreDatabase
  /** Runs a write once the database is open, its failure a `storage` error. */
  whenOpen<T>(what: string, operation: () => Promise<T>): Promise<T>
  /** Frees at least `bytes` and `entries` by evicting the least recently used. */
  evictOldest(bytes: number, entries: number): Promise<unknown>
  /** A batch landed: time to enforce the limits. */
  written(): void
}

/** A copy that owns its buffer, unless the array already does. */
function ownedBytes(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  // Stryker disable next-line all: only a real IndexedDB stores the whole buffer of a view; the hand-written mutant 'At rest: a view is stored with its whole buffer' guards this line
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()
}

/**
 * The store's writes. Rows asked for in one task land in one read-write transaction that
 * moves each id's version forward only. A full disk (`QuotaExceededError`) evicts room for
 * the batch and tries once more; a second failure is a `storage` error. Writes not yet
 * landed can be dropped: a delete or a clear wins over them.
 */
export class ForwardWrites {
  private readonly queued = new KeyedBatch<{ row: StoredImage; waiters: Array<Waiter<void>> }>(
    0,
    (batch) => void this.flush(batch),
  )
  /** Batches being written; a drop still takes rows out until their transaction reads them. */
  private readonly flushing = new Set<WriteBatch>()

  constructor(private readonly host: ForwardWritesHost) {}

  /** Queues a row of `entry` used at `lastUsed`; resolves once it landed, or was dropped. */
  add(entry: Omit<StoredImage, 'bytes' | 'lastUsed'>, lastUsed: number): Promise<void> {
    const encrypted = ownedBytes(entry.encrypted)
    const row: StoredImage = {
      id: entry.id,
      token: entry.token,
      encrypted,
      bytes: encrypted.byteLength,
      lastUsed,
    }
    return new Promise((resolve, reject) => {
      this.queued.add(row.id, (pending = { row, waiters: [] }) => {
        if (row.token >= pending.row.token) pending.row = row
        pending.waiters.push({ resolve, reject })
        return pending
      })
    })
  }

  /** Writes what is queued now, without waiting for the end of the task. */
  flushNow(): Promise<void> {
    return this.flush(this.queued.take())
  }

  /** Cancels the writes not yet landed, of one id or of all; their callers resolve. */
  drop(id?: string): void {
    for (const batch of [this.queued.pending, ...this.flushing]) {
      for (const [key, pending] of batch) {
        if (id !== undefined && key !== id) continue
        batch.delete(key)
        pending.waiters.forEach((w) => w.resolve())
      }
    }
  }

  private async flush(batch: WriteBatch): Promise<void> {
    if (batch.size === 0) return
    this.flushing.add(batch)
    const settle = (outcome: (waiter: Waiter<void>) => void) =>
      batch.forEach((pending) => pending.waiters.forEach(outcome))
    try {
      await this.host.whenOpen('Writing the image cache', async () => {
        try {
          await this.writeForward(batch)
        } catch (error) {
          if (!isQuotaError(error)) throw error
          const bytes = [...batch.values()].reduce((sum, { row }) => sum + row.bytes, 0)
          await this.host.evictOldest(bytes * 2, Math.ceil((await this.host.db.images.count()) / 10))
          await this.writeForward(batch).catch((retryError: unknown) => {
            throw storageError(retryError, 'Writing the image cache after eviction')
          })
        }
      })
      settle((w) => w.resolve())
      this.host.written()
    } catch (error) {
      settle((w) => w.reject(error))
    }
    this.flushing.delete(batch)
  }

  /**
   * Writes a batch in one read-write transaction, skipping rows whose cached version is
   * newer. The rows are read inside the transaction, so one taken out by a drop before it
   * started is not written, and one after it runs later and wins.
   */
  private writeForward(batch: WriteBatch): Promise<void> {
    const { db } = this.host
    return db.transaction('rw', db.images, async () => {
      const rows = [...batch.values()].map(({ row }) => row)
      const cached = await db.images.bulkGet(rows.map((row) => row.id))
      await db.images.bulkPut(rows.filter((row, i) => (cached[i]?.token ?? -Infinity) <= row.token))
    })
  }
}
