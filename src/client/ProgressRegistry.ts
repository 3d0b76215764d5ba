import type { DownloadProgress } from '../core/index.js'

/**
 * Download progress of image queries by query hash, with listeners per hash, so a chunk
 * re-renders only the components showing that image.
 */
export class ProgressRegistry {
  private readonly values = new Map<string, DownloadProgress>()
  private readonly listeners = new Map<string, Set<() => void>>()

  /** Records progress for a query and tells its listeners. */
  report(queryHash: string, progress: DownloadProgress): void {
    this.values.set(queryHash, progress)
    this.listeners.get(queryHash)?.forEach((listener) => listener())
  }

  /** Forgets a query's progress (its load ended). */
  clear(queryHash: string): void {
    if (this.values.delete(queryHash)) this.listeners.get(queryHash)?.forEach((listener) => listener())
  }

  /** Whether a component shows this query's progress. */
  watched(queryHash: string): boolean {
    return this.listeners.has(queryHash)
  }

  get(queryHash: string): DownloadProgress | undefined {
    return this.values.get(queryHash)
  }

  subscribe(queryHash: string, listener: () => void): () => void {
    let set = this.listeners.get(queryHash)
    if (!set) this.listeners.set(queryHash, (set = new Set()))
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0) this.listeners.delete(queryHash)
    }
  }
}
