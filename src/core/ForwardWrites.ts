import { isQuotaError } from './isQuotaError.js'
import { KeyedBatch } from './KeyedBatch.js'
import type { ImageStoreEntry } from './ImageStoreOptions.js'
import type { PixstoreDatabase, StoredImage } from './PixstoreDatabase.js'
import { storageError } from './storageError.js'
import type { Waiter } from './Waiter.js'

/** What one write lands: the image's row and its usage row. */
type WrittenEntry = StoredImage & ImageStoreEntry

/** The newest row asked for of one id, and the callers waiting for it. */
interface PendingWrite {
  row: WrittenEntry
  waiters: Array<Waiter<void>>
}

/** Writes waiting for one transaction, by id. */
type WriteBatch = Map<string, PendingWrite>

/** Adds `later` to `earlier`, of the same id: the newer version wins, the later row of one version. */
function gather(earlier: PendingWrite | undefined, later: PendingWrite): PendingWrite {
  if (!earlier) return later
  if (later.row.token >= earlier.row.token) earlier.row = later.row
  earlier.waiters.push(...later.waiters)
  return earlier
}

/** Adds the rows of `later` to `into`, id by id. */
function gatherAll(into: WriteBatch, later: WriteBatch): WriteBatch {
  for (const [id, pending] of later) into.set(id, gather(into.get(id), pending))
  return into
}

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
 * moves each id's version forward only; rows asked for while that transaction runs wait for
 * it and land together in the next (a group commit: on a loaded page a transaction takes
 * longer than a task, and one per task would only queue behind each other). A full disk
 * (`QuotaExceededError`) evicts room for the batch and tries once more; a second failure is
 * a `storage` error. Writes not yet landed can be dropped: a delete or a clear wins over them.
 */
export class ForwardWrites {
  private readonly queued = new KeyedBatch<PendingWrite>(0, (batch) => this.write(batch))
  /** Rows asked for while a transaction ran: they land together once it ends. */
  private next: WriteBatch | undefined
  /** Whether a transaction of the queue runs. */
  private writing = false
  /** Batches being written; a drop still takes rows out until their transaction reads them. */
  private readonly flushing = new Set<WriteBatch>()

  constructor(private readonly host: ForwardWritesHost) {}

  /** Queues a row of `entry` used at `lastUsed`; resolves once it landed, or was dropped. */
  add(entry: StoredImage, lastUsed: number): Promise<void> {
    const encrypted = ownedBytes(entry.encrypted)
    const row: WrittenEntry = {
      id: entry.id,
      token: entry.token,
      encrypted,
      bytes: encrypted.byteLength,
      lastUsed,
    }
    return new Promise((resolve, reject) => {
      this.queued.add(row.id, (earlier) => gather(earlier, { row, waiters: [{ resolve, reject }] }))
    })
  }

  /**
   * Writes what is queued, and what waits for a running transaction, now: beside that
   * transaction and without waiting for the end of the task.
   */
  flushNow(): Promise<void> {
    const batch = gatherAll(this.next ?? new Map(), this.queued.take())
    this.next = undefined
    return this.flush(batch)
  }

  /** Cancels the writes not yet landed, of one id or of all; their callers resolve. */
  drop(id?: string): void {
    for (const batch of [
      this.queued.pending,
      this.next ?? new Map<string, PendingWrite>(),
      ...this.flushing,
    ]) {
      for (const [key, pending] of batch) {
        if (id !== undefined && key !== id) continue
        batch.delete(key)
        pending.waiters.forEach((w) => w.resolve())
      }
    }
  }

  /** Writes a task's rows now, or with the next group if a transaction runs. */
  private write(batch: WriteBatch): void {
    if (this.writing) {
      this.next = gatherAll(this.next ?? new Map(), batch)
      return
    }
    this.writing = true
    void this.flush(batch).then(() => {
      this.writing = false
      const next = this.next
      this.next = undefined
      if (next) this.write(next)
    })
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
          await this.host.evictOldest(bytes * 2, Math.ceil((await this.host.db.usage.count()) / 10))
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
   * newer (its token read from `usage`, without loading ciphertext). The rows are read inside
   * the transaction, so one taken out by a drop before it started is not written, and one
   * after it runs later and wins.
   */
  private writeForward(batch: WriteBatch): Promise<void> {
    const { db } = this.host
    return db.transaction('rw', [db.images, db.usage], async () => {
      const rows = [...batch.values()].map(({ row }) => row)
      const cached = await db.usage.bulkGet(rows.map((row) => row.id))
      const forward = rows.filter((row, i) => (cached[i]?.token ?? -Infinity) <= row.token)
      await db.images.bulkPut(forward.map(({ id, token, encrypted }) => ({ id, token, encrypted })))
      await db.usage.bulkPut(
        forward.map(({ id, token, bytes, lastUsed }) => ({ id, token, bytes, lastUsed })),
      )
    })
  }
}
