/**
 * Entries gathered by key until a timer fires, then handed over together: the reads, the
 * writes and the `lastUsed` updates asked for within `delay` share one transaction.
 */
export class KeyedBatch<T> {
  private entries = new Map<string, T>()
  private timer: ReturnType<typeof setTimeout> | undefined

  /**
   * @param delay Milliseconds from the first entry to the hand-over; 0 gathers one task.
   * @param flush Receives the entries gathered; they are no longer in the batch.
   */
  constructor(
    private readonly delay: number,
    private readonly flush: (entries: Map<string, T>) => void,
  ) {}

  /** Sets the entry of `key` from the one already gathered, if any, and starts the timer. */
  add(key: string, update: (gathered: T | undefined) => T): void {
    this.entries.set(key, update(this.entries.get(key)))
    this.timer ??= setTimeout(() => this.flush(this.take()), this.delay)
  }

  /** The entries gathered so far; removing one from it cancels that entry. */
  get pending(): Map<string, T> {
    return this.entries
  }

  /** Takes every entry now, for a flush that cannot wait for the timer. */
  take(): Map<string, T> {
    clearTimeout(this.timer)
    this.timer = undefined
    const taken = this.entries
    this.entries = new Map()
    return taken
  }
}
