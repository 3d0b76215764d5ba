import type { PixstoreErrorCode } from './PixstoreError.js'
import { Subscribable } from './Subscribable.js'

/**
 * Which layer answered a request: the worker's memory (decrypted there before) or its Cache
 * Storage (ciphertext), the page's encrypted cache (Dexie), or the backend.
 */
export type ImageSource = 'worker-memory' | 'cache-storage' | 'dexie' | 'network'

/** Every layer, nearest to the screen first. */
export const IMAGE_SOURCES: readonly ImageSource[] = ['worker-memory', 'cache-storage', 'dexie', 'network']

/**
 * One image request, answered or failed. Ids, tokens, sizes and times only: no key and no
 * image bytes are ever part of an event. `bytes` is the ciphertext's size, except for the
 * worker's two layers, which report the size of the decrypted image they answered with.
 */
export type ImageEvent =
  | { type: 'image'; id: string; token: number; source: ImageSource; bytes: number; ms: number }
  | { type: 'error'; id: string; token: number; code: PixstoreErrorCode; ms: number }

/** Answers from one source: how many, their ciphertext bytes and the time to each, summed. */
export interface SourceCount {
  count: number
  bytes: number
  totalMs: number
}

/** What the service has answered since it was created (or since `reset`). */
export interface ImageMetricsSnapshot {
  /** Requests answered or failed (aborted ones are not counted). */
  requests: number
  /** Answers per source. */
  sources: Readonly<Record<ImageSource, SourceCount>>
  /** Share of answers that came from a cache (any layer but the network), 0 to 1; 0 before any. */
  hitRate: number
  /** The last failures, oldest first, at most `RECENT_ERRORS`. */
  errors: ReadonlyArray<{ id: string; token: number; code: PixstoreErrorCode; at: number }>
}

/** How many failures a snapshot keeps. */
export const RECENT_ERRORS = 20

const empty = (): ImageMetricsSnapshot => ({
  requests: 0,
  sources: Object.fromEntries(
    IMAGE_SOURCES.map((source) => [source, { count: 0, bytes: 0, totalMs: 0 }]),
  ) as Record<ImageSource, SourceCount>,
  hitRate: 0,
  errors: [],
})

/**
 * Counts the answers per layer (the worker's, reported by the page's client, and the
 * service's own), hit rate and recent errors, for an app's own
 * monitoring or a devtools panel; nothing leaves the page by itself. Each change makes a new
 * snapshot, so `snapshot` and `subscribe` fit `useSyncExternalStore`.
 */
export class ImageMetrics {
  private current = empty()
  private readonly changes = new Subscribable()

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one event and tells the listeners. */
  record(event: ImageEvent): void {
    const { requests, sources, errors } = this.current
    if (event.type === 'error') {
      const error = { id: event.id, token: event.token, code: event.code, at: this.now() }
      this.set({ ...this.current, requests: requests + 1, errors: [...errors, error].slice(-RECENT_ERRORS) })
      return
    }
    const counted = sources[event.source]
    const next = {
      ...sources,
      [event.source]: {
        count: counted.count + 1,
        bytes: counted.bytes + event.bytes,
        totalMs: counted.totalMs + event.ms,
      },
    }
    const answered = IMAGE_SOURCES.reduce((sum, source) => sum + next[source].count, 0)
    const hitRate = (answered - next.network.count) / answered
    this.set({ ...this.current, requests: requests + 1, sources: next, hitRate })
  }

  /** The counts so far; the same object until the next change. */
  readonly snapshot = (): ImageMetricsSnapshot => this.current

  /** Listens to changes of the counts. */
  readonly subscribe = (listener: () => void): (() => void) => this.changes.subscribe(listener)

  private set(next: ImageMetricsSnapshot): void {
    this.current = next
    this.changes.emit()
  }
}
