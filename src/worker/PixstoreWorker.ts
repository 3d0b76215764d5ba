import { checkOption, DEFAULT_IMAGE_FORMATS, PixstoreError } from '../core/internal.js'
import { clearedError } from './clearedError.js'
import { EncryptedCache } from './EncryptedCache.js'
import { ImageResolver } from './ImageResolver.js'
import {
  imageUrl,
  parseImageUrl,
  SW_CACHE_NAME,
  SW_CHANNEL,
  SW_MESSAGE,
  SW_PREFIX,
  isClearMessage,
  isPingMessage,
  isRecordsMessage,
  type ClearMessage,
  type SwMessage,
} from '../protocol/index.js'
import { ClearLog } from './ClearLog.js'
import { PageQuestions } from './PageQuestions.js'
import type { PixstoreWorkerOptions } from './PixstoreWorkerOptions.js'
import { ServedReports, type WorkerClients } from './ServedReports.js'
import { WorkerLoads } from './WorkerLoads.js'
import { SharedFlights } from './SharedFlights.js'
import type { WorkerFetchEvent, WorkerMessageEvent } from './workerEvents.js'
import { failedResponse, textResponse } from './workerResponses.js'

/**
 * The service worker's image handler: answers `GET {prefix}/{id}?t={token}` from Cache
 * Storage, where it keeps ciphertext only, decrypting with keys held in memory. A miss is
 * loaded by the worker itself from the records the pages hand over (`RECORDS`): from the
 * pages' Dexie database, else the network. Without a record, or where the page's fetcher is
 * a function, the page bridges are asked over a BroadcastChannel.
 *
 * In an app's own service worker, one instance takes its `fetch` (or a router's route:
 * `pixstoreRoute`), `message` and `activate` events: docs/service-worker.md shows the shapes.
 */
export class PixstoreWorker {
  readonly prefix: string
  readonly cacheName = SW_CACHE_NAME
  private readonly origin: string
  private readonly channel: BroadcastChannel
  private readonly cache: EncryptedCache
  private readonly questions: PageQuestions
  private readonly images: ImageResolver
  private readonly loads: WorkerLoads
  private readonly flights: SharedFlights
  private readonly reports: ServedReports
  private readonly clears = new ClearLog()

  /** @throws `invalid-option` when `timeout`, `maxEntries` or `memoryBytes` is out of range. */
  constructor(options: PixstoreWorkerOptions = {}) {
    checkOption('timeout', options.timeout, { min: 1, integer: false })
    checkOption('maxEntries', options.maxEntries, { min: 1 })
    checkOption('memoryBytes', options.memoryBytes)
    this.prefix = options.prefix ?? SW_PREFIX
    const maxEntries = options.maxEntries ?? 500
    const crypto = options.crypto ?? globalThis.crypto
    this.origin = options.origin ?? globalThis.location.origin
    this.reports = new ServedReports(options.clients ?? (globalThis as { clients?: WorkerClients }).clients)
    this.cache = new EncryptedCache(
      options.caches ?? globalThis.caches,
      this.cacheName,
      this.prefix,
      maxEntries,
    )
    this.channel = new BroadcastChannel(options.channel ?? SW_CHANNEL)
    this.channel.onmessage = (event: MessageEvent<SwMessage>) => void this.onMessage(event.data)
    const timeout = options.timeout ?? 5000
    this.questions = new PageQuestions(this.channel, timeout, () => crypto.randomUUID())
    this.loads = new WorkerLoads({
      timeout,
      createService: options.createService,
      onEvict: (ids) => void this.evict(ids),
    })
    this.images = new ImageResolver(this.cache, {
      loads: this.loads,
      prefix: this.prefix,
      formats: options.imageFormats ?? DEFAULT_IMAGE_FORMATS,
      maxEntries,
      memoryBytes: options.memoryBytes ?? 32 * 1024 * 1024,
      subtle: crypto.subtle,
      // A flight from before a clear asks nothing more.
      ask: (question, flight) =>
        flight.epoch === this.cache.epoch
          ? this.questions.ask(question, flight)
          : Promise.reject(clearedError()),
    })
    this.flights = new SharedFlights({
      images: this.images,
      writes: this.images.writes,
      epoch: () => this.cache.epoch,
      now: options.now ?? (() => performance.now()),
    })
  }

  /**
   * The response for a request, or `undefined` when the request is not an image URL of this
   * worker and must go to the network untouched. `clientId` is the fetch event's client;
   * `waitUntil` is the fetch event's, so the worker lives until a page's answer is stored,
   * which happens after the response.
   */
  handle(
    request: Request,
    // Stryker disable next-line StringLiteral: any default works, as long as it is one id for every fetch without one
    clientId = '',
    waitUntil?: (promise: Promise<unknown>) => void,
  ): Promise<Response> | undefined {
    if (!this.owns(request)) return undefined
    const url = new URL(request.url)
    const parsed = parseImageUrl(url, this.prefix)
    if (!parsed.ok) return Promise.resolve(textResponse(400, `Bad image request: ${parsed.reason}`))
    // A URL the page made before its last clear: nobody will hand its record or answer for it.
    if (this.clears.isBefore(clientId, parsed.epoch)) return Promise.resolve(failedResponse('aborted'))
    const flight = this.flights.join(imageUrl(parsed.id, parsed.token, this.prefix), parsed, clientId)
    waitUntil?.(flight.done)
    // Concurrent requests share one round trip; each gets its own body.
    return flight.response.then((response) => {
      if (flight.served) this.reports.add(clientId, flight.served)
      return response.clone()
    })
  }

  /** Whether `request` is one of this worker's image URLs: a GET of `{prefix}/...` on its origin. */
  owns(request: Request): boolean {
    if (request.method !== 'GET') return false
    const url = new URL(request.url)
    return url.origin === this.origin && url.pathname.startsWith(`${this.prefix}/`)
  }

  /**
   * The answer to a fetch event, or `undefined` when its request is not one of this worker's
   * image URLs (let it go on to the app's other routes or the network). Call from the worker's
   * `fetch` listener and pass the answer to `event.respondWith`.
   */
  handleFetch(event: WorkerFetchEvent): Promise<Response> | undefined {
    return this.handle(event.request, event.clientId || event.resultingClientId, (promise) =>
      event.waitUntil(promise),
    )
  }

  /**
   * Takes a message a page posted to the worker (the records it hands over, its clears, its
   * `PING`); messages of the app's own pass untouched. Call from the worker's `message` listener.
   */
  handleMessage(event: WorkerMessageEvent): void {
    if (isPingMessage(event.data)) return event.ports?.[0]?.postMessage(event.data)
    const { id } = (event.source ?? {}) as { id?: unknown }
    event.waitUntil(this.receive(event.data, typeof id === 'string' ? id : undefined))
  }

  /**
   * Takes a message a page posted to the worker itself (`postMessage`): the records it hands
   * over (`RECORDS`), and its clears (`CLEAR`), which come after the records it handed
   * before them. Anything else is ignored. Call from the worker's `message` event;
   * `clientId` is its source's id, so that page's URLs from before its clear answer at once.
   */
  receive(data: unknown, clientId?: string): Promise<void> {
    if (isRecordsMessage(data)) this.loads.receive(data)
    return isClearMessage(data) ? this.onClear(data, clientId) : Promise.resolve()
  }

  /** Stops listening to the pages; questions still pending answer `504`. */
  close(): void {
    // Stryker disable next-line StringLiteral: the request answers 504 by its code; the message is never shown
    this.questions.refuseAll(new PixstoreError('aborted', 'The worker was closed'))
    this.channel.close()
    void this.loads.close()
  }

  /** Deletes caches of other versions. Call from `activate`. */
  deleteOldCaches(): Promise<void> {
    return this.cache.deleteOtherVersions()
  }

  /**
   * Logout: every question pending is refused, every key, record and image held dropped, the
   * worker's own loads aborted, the cache deleted.
   */
  private async clear(): Promise<void> {
    const done = Promise.all([this.cache.clear(), this.loads.clear()])
    this.questions.refuseAll(clearedError())
    this.images.forgetAll()
    await done
  }

  /**
   * A clear, the first time its id arrives: everything is dropped, then confirmed (`CLEARED`)
   * once the worker's own loads are aborted and what they queued for Dexie dropped, so the
   * page that cleared writes the next session's images after it. The same clear arriving again
   * (on the other path, after the records a page handed before it) drops the records again.
   */
  private async onClear(message: ClearMessage, clientId?: string): Promise<void> {
    if (!this.clears.note(message, clientId)) return this.loads.forgetRecords()
    await this.clear()
    const { clearId } = message
    if (clearId) this.channel.postMessage({ type: SW_MESSAGE.CLEARED, clearId })
  }

  /** Entries that left the pages' cache leave the worker's too. */
  private async evict(ids: readonly string[]): Promise<void> {
    // Marked at once, before any await, so no request still running stores an evicted image.
    this.flights.evict(ids)
    await Promise.all(ids.map((id) => this.images.drop(id)))
  }

  private async onMessage(message: SwMessage): Promise<void> {
    switch (message.type) {
      case SW_MESSAGE.IMAGE_RESPONSE:
      case SW_MESSAGE.KEY_RESPONSE:
        return this.questions.answer(message)
      case SW_MESSAGE.EVICT:
        return this.evict(message.ids)
      case SW_MESSAGE.BRIDGE_READY:
        return this.flights.repostAll()
      case SW_MESSAGE.CLEAR:
        return this.onClear(message)
    }
  }
}
