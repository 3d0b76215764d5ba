import { KeyedBatch } from './KeyedBatch.js'
import type { PixstoreDatabase, StoredImage } from './PixstoreDatabase.js'
import type { Waiter } from './Waiter.js'

/** What the reads need of their store. */
export interface BatchedReadsHost {
  db: PixstoreDatabase
  /** Runs a read once the database is open, its failure a `storage` error. */
  whenOpen<T>(what: string, operation: () => Promise<T>): Promise<T>
}

/**
 * The store's reads: those asked for in one task share one read-only transaction, and each
 * answers as its row lands, so the first image does not wait for the last.
 */
export class BatchedReads {
  private readonly queued = new KeyedBatch<Array<Waiter<StoredImage | undefined>>>(
    0,
    (batch) => void this.flush(batch),
  )

  constructor(private readonly host: BatchedReadsHost) {}

  /** Reads one entry with the others asked for in this task. */
  get(id: string): Promise<StoredImage | undefined> {
    return new Promise((resolve, reject) => {
      this.queued.add(id, (waiters = []) => (waiters.push({ resolve, reject }), waiters))
    })
  }

  /** Reads what is queued now, without waiting for the end of the task. */
  flushNow(): Promise<void> {
    return this.flush(this.queued.take())
  }

  private async flush(batch: Map<string, Array<Waiter<StoredImage | undefined>>>): Promise<void> {
    if (batch.size === 0) return
    const { db } = this.host
    try {
      await this.host.whenOpen('Reading the image cache', () =>
        db.transaction('r', db.images, () =>
          Promise.all(
            [...batch].map(([id, waiters]) =>
              db.images.get(id).then((row) => waiters.forEach((w) => w.resolve(row))),
            ),
          ),
        ),
      )
    } catch (error) {
      // Waiters already answered ignore this.
      for (const waiters of batch.values()) waiters.forEach((w) => w.reject(error))
    }
  }
}
