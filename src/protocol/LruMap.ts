/**
 * A map that keeps its most recently used entries within a budget. Each entry costs
 * `sizeOf(value)`; once the total passes `maxSize` the least recently used leave first, and
 * an entry larger than the whole budget is not kept at all. Reading an entry with `get`
 * makes it the most recent.
 */
export class LruMap<V> {
  /** Oldest first: a Map iterates in insertion order, and a use moves its entry to the end. */
  private readonly entries = new Map<string, V>()
  private total = 0

  /**
   * @param maxSize Most total size kept.
   * @param sizeOf Size of one value. @default () => 1 (a count of entries)
   */
  constructor(
    private readonly maxSize: number,
    private readonly sizeOf: (value: V) => number = () => 1,
  ) {}

  /** The value of `key`, now the most recently used. */
  get(key: string): V | undefined {
    const value = this.entries.get(key)
    if (value === undefined) return undefined
    this.entries.delete(key)
    this.entries.set(key, value)
    return value
  }

  /** Sets `key` as the most recently used entry. Returns the keys that left to make room. */
  set(key: string, value: V): string[] {
    this.delete(key)
    const size = this.sizeOf(value)
    if (size > this.maxSize) return []
    this.entries.set(key, value)
    this.total += size
    const evicted: string[] = []
    for (const oldest of this.entries.keys()) {
      if (this.total <= this.maxSize) break
      this.delete(oldest)
      evicted.push(oldest)
    }
    return evicted
  }

  /** Removes `key`; whether it was there. */
  delete(key: string): boolean {
    const value = this.entries.get(key)
    if (value === undefined) return false
    this.entries.delete(key)
    this.total -= this.sizeOf(value)
    return true
  }

  /** Removes every entry whose key passes `test`. */
  deleteWhere(test: (key: string, value: V) => boolean): void {
    for (const [key, value] of this.entries) if (test(key, value)) this.delete(key)
  }

  /** Removes every entry. */
  clear(): void {
    this.entries.clear()
    this.total = 0
  }

  /** Entries, least recently used first. */
  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries[Symbol.iterator]()
  }

  /** Number of entries. */
  get size(): number {
    return this.entries.size
  }

  /** Total size of the entries. */
  get totalSize(): number {
    return this.total
  }
}
