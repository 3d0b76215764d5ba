import {
  createImageService,
  isPixstoreError,
  versionKey,
  type EncryptedVersion,
  type ImageRecord,
  type ImageService,
} from '../core/internal.js'
import { LruMap, type RecordsMessage, type WorkerLoadSource } from '../protocol/index.js'
import type { PixstoreWorkerOptions } from './PixstoreWorkerOptions.js'

/** A version the worker loaded itself, decrypted once: what it answers and what it keeps. */
export interface OwnLoad extends Omit<EncryptedVersion, 'mimeType'> {
  blob: Blob
  /** Settles once the Dexie writes begun by then have landed (it never rejects): the worker lives until it does. */
  written: Promise<void>
}

/** A record a page handed over, and the source that loads it. */
interface Handed {
  record: ImageRecord
  source: string
}

/** Options of `WorkerLoads`. */
export interface WorkerLoadsOptions {
  /** Records kept, the least recently handed first out. @default 5000 */
  maxRecords?: number
  /** Milliseconds a request whose record is on its way waits for it before asking the page. @default 5000 */
  timeout?: number
  /** Makes the image service of a source. @default createImageService over the source's options, with `waitUntil` */
  createService?: PixstoreWorkerOptions['createService']
  /** Entries the worker's own writes evicted (or a poisoned entry it deleted) from the pages' cache. */
  onEvict: (ids: string[]) => void
}

/** Sources whose services are kept open at once (an app has one; tests and stories use several). */
const MAX_SOURCES = 4

/** The service of a source, made on its first load. */
// Stryker disable all: Node tests pass their own service; the worker e2e tests load through this one
const defaultService = (source: WorkerLoadSource, waitUntil: (write: Promise<void>) => void): ImageService =>
  createImageService({
    cache: source.cache,
    endpoint: source.endpoint,
    imageFormats: source.imageFormats,
    timeout: source.timeout,
    maxConcurrentFetches: source.maxConcurrentFetches,
    // An image is answered as soon as it is decrypted: the worker lives on until its write lands.
    waitUntil,
  })
// Stryker restore all

/**
 * The worker's own loads, as the pages' service makes them: the records pages hand over
 * (`RECORDS`), and one core image service per source (the pages' Dexie database, the default
 * endpoint), so a miss is read from Dexie or fetched under the same per-version Web Lock the
 * pages take, written forward only, and answered without a page round trip. Where the page's
 * fetcher is a function, or no record was handed, the worker asks the page instead.
 */
export class WorkerLoads {
  private readonly records: LruMap<Handed>
  private readonly timeout: number
  private readonly createService: NonNullable<WorkerLoadsOptions['createService']>
  private readonly onEvict: (ids: string[]) => void
  /** Sources by their JSON, least recently handed first; their services once made. */
  private readonly sources = new Map<string, { source: WorkerLoadSource; service?: ImageService }>()
  /** Requests waiting for the record of a version to be handed. */
  private readonly waiting = new Map<string, Set<(handed: Handed | undefined) => void>>()
  /** The services' Dexie writes that have not landed yet. */
  private readonly writes = new Set<Promise<void>>()

  constructor(options: WorkerLoadsOptions) {
    this.records = new LruMap(options.maxRecords ?? 5000)
    this.timeout = options.timeout ?? 5000
    this.createService = options.createService ?? defaultService
    this.onEvict = options.onEvict
  }

  /** Keeps the records a page handed over and wakes the requests waiting for them. */
  receive(message: RecordsMessage): void {
    const source = JSON.stringify(message.source)
    const entry = this.sources.get(source) ?? { source: message.source }
    this.sources.delete(source)
    this.sources.set(source, entry)
    for (const oldest of this.sources.keys()) {
      if (this.sources.size <= MAX_SOURCES) break
      void this.closeSource(oldest)
    }
    for (const record of message.records) {
      const key = versionKey(record)
      const handed = { record, source }
      this.records.set(key, handed)
      const waiters = this.waiting.get(key)
      this.waiting.delete(key)
      for (const wake of waiters ?? []) wake(handed)
    }
  }

  /**
   * The record handed over for a version, if any: its meta decrypts a cached entry. With
   * `handed`, one on its way is waited for (up to `timeout`).
   */
  async recordOf(id: string, token: number, handed: boolean): Promise<ImageRecord | undefined> {
    return (await this.handedOf(versionKey({ id, token }), handed))?.record
  }

  /**
   * Loads version `token` of `id` from the pages' Dexie database or their endpoint. Resolves
   * `undefined` when the page must be asked instead: no record (after waiting up to `timeout`
   * for one `handed` over), a fetcher that is a function, or `invalid-proof` (the page can
   * refresh the record). Rejects with the load's typed error otherwise, `aborted` on a clear.
   */
  async load(id: string, token: number, handed: boolean): Promise<OwnLoad | undefined> {
    const found = await this.handedOf(versionKey({ id, token }), handed)
    const service = found && this.serviceOf(found.source)
    if (!found || !service) return undefined
    try {
      // One shared load in the service: the ciphertext to keep and the image to answer.
      const [version, blob] = await Promise.all([
        service.getEncrypted(found.record),
        service.getImage(found.record),
      ])
      const { token: loaded, encrypted, meta } = version
      const written = Promise.all(this.writes).then(() => undefined)
      return { token: loaded, encrypted, meta, blob, source: version.source, written }
    } catch (error) {
      if (isPixstoreError(error, 'invalid-proof')) return undefined
      throw error
    }
  }

  /**
   * Logout: every record is forgotten, every request waiting for one asks nothing more, and
   * every source's loads are aborted and their queued writes dropped with the cache.
   */
  async clear(): Promise<void> {
    this.forgetRecords()
    for (const [key, waiters] of this.waiting) {
      this.waiting.delete(key)
      for (const wake of waiters) wake(undefined)
    }
    await Promise.all(
      [...this.sources.values()].map(({ service }) => service?.clear().catch(() => undefined)),
    )
  }

  /** Forgets every record handed over (a page's records from before a clear that reached the worker after it). */
  forgetRecords(): void {
    this.records.clear()
  }

  /** Stops every source's service. */
  async close(): Promise<void> {
    await Promise.all([...this.sources.keys()].map((key) => this.closeSource(key)))
  }

  private handedOf(key: string, wait: boolean): Promise<Handed | undefined> | Handed | undefined {
    const found = this.records.get(key)
    if (found || !wait) return found
    return new Promise((resolve) => {
      const waiters = this.waiting.get(key) ?? new Set()
      this.waiting.set(key, waiters)
      const wake = (handed: Handed | undefined) => {
        clearTimeout(timer)
        waiters.delete(wake)
        resolve(handed)
      }
      const timer = setTimeout(() => {
        wake(undefined)
        // Stryker disable next-line all: only memory shows it (no empty set kept per version never handed); no API reads the map
        if (waiters.size === 0 && this.waiting.get(key) === waiters) this.waiting.delete(key)
      }, this.timeout)
      waiters.add(wake)
    })
  }

  /** The service of a source that loads by itself; none where the page's fetcher is a function. */
  private serviceOf(key: string): ImageService | undefined {
    const entry = this.sources.get(key)
    if (!entry?.source.endpoint) return undefined
    if (!entry.service) {
      const service = (entry.service = this.createService(entry.source, this.waitUntil))
      service.subscribe((change) => change.type !== 'clear' && this.onEvict(change.ids))
    }
    return entry.service
  }

  /** Keeps a service's Dexie write until it lands. */
  private readonly waitUntil = (write: Promise<void>): void => {
    this.writes.add(write)
    // Stryker disable next-line ArrowFunction: only memory shows it (a landed write, kept, settles every later `written` at once); no API reads the set
    void write.finally(() => this.writes.delete(write))
  }

  /** Closes the service of `key`, one of `sources`' keys. */
  private async closeSource(key: string): Promise<void> {
    const { service } = this.sources.get(key)!
    this.sources.delete(key)
    await service?.close().catch(() => undefined)
  }
}
