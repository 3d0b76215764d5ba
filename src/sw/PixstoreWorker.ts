import { checkOption, DEFAULT_IMAGE_FORMATS, isPixstoreError, PixstoreError } from '../core/index.js'
import { EncryptedCache } from './EncryptedCache.js'
import { ImageResolver, type Flight } from './ImageResolver.js'
import { imageUrl, parseImageUrl } from './imageUrl.js'
import { LruMap } from './LruMap.js'
import {
  SW_CACHE_NAME,
  SW_CHANNEL,
  SW_MESSAGE,
  SW_PREFIX,
  type ClearMessage,
  type RecordsMessage,
  type ServedReport,
  type SwMessage,
} from './messages.js'
import { PageQuestions } from './PageQuestions.js'
import type { PixstoreWorkerOptions } from './PixstoreWorkerOptions.js'
import { ServedReports, type WorkerClients } from './ServedReports.js'
import { WorkerLoads } from './WorkerLoads.js'
import { failedResponse, imageResponse, textResponse } from './workerResponses.js'

/** A request being answered, shared by every fetch of the same URL. */
interface SharedFlight extends Flight {
  response: Promise<Response>
  /** Clients whose fetches joined; a new one gets the question posted again. */
  clients: Set<string>
  /** Set once answered from the worker's own memory or Cache Storage. */
  served?: ServedReport
  /** Settles once the request is answered and what the page answered is kept. */
  done: Promise<void>
}

/** A flight while its answer is being found: what `respond` reads and writes of it. */
type AnsweringFlight = Omit<SharedFlight, 'response' | 'done'>

// Stryker disable next-line StringLiteral: the request answers 504 by its code; the message is never shown
const cleared = () => new PixstoreError('aborted', 'The images were cleared')

const isRecordsMessage = (data: unknown): data is RecordsMessage =>
  (data as Partial<RecordsMessage> | null)?.type === SW_MESSAGE.RECORDS &&
  Array.isArray((data as RecordsMessage).records) &&
  typeof (data as RecordsMessage).source?.cache === 'object'

const isClearMessage = (data: unknown): data is ClearMessage =>
  (data as Partial<ClearMessage> | null)?.type === SW_MESSAGE.CLEAR

/** Clear ids remembered: a clear reaches the worker twice, on the channel and from its page. */
const CLEAR_IDS = 16

/** Pages whose clear epoch is remembered, the least recent cleared first out. */
const CLEARED_PAGES = 64

/**
 * The service worker's image handler: answers `GET {prefix}/{id}?t={token}` from Cache
 * Storage, where it keeps ciphertext only, decrypting with keys held in memory. A miss is
 * loaded by the worker itself from the records the pages hand over (`RECORDS`): from the
 * pages' Dexie database, else the network. Without a record, or where the page's fetcher is
 * a function, the page bridges are asked over a BroadcastChannel.
 */
export class PixstoreWorker {
  readonly prefix: string
  readonly cacheName = SW_CACHE_NAME
  private readonly caches: CacheStorage
  private readonly origin: string
  private readonly channel: BroadcastChannel
  private readonly cache: EncryptedCache
  private readonly questions: PageQuestions
  private readonly images: ImageResolver
  private readonly loads: WorkerLoads
  private readonly inflight = new Map<string, SharedFlight>()
  private readonly reports: ServedReports
  private readonly now: () => number
  /** The ids of the last clears, in the order they arrived. */
  // Stryker disable next-line ArrayDeclaration: a clear id is a random UUID, never a string planted here
  private readonly clearIds: string[] = []
  /** The clear epoch each page last posted with its clear, by client id. */
  private readonly pageEpochs = new LruMap<number>(CLEARED_PAGES)

  /** @throws `invalid-option` when `timeout`, `maxEntries` or `memoryBytes` is out of range. */
  constructor(options: PixstoreWorkerOptions = {}) {
    checkOption('timeout', options.timeout, { min: 1, integer: false })
    checkOption('maxEntries', options.maxEntries, { min: 1 })
    checkOption('memoryBytes', options.memoryBytes)
    this.prefix = options.prefix ?? SW_PREFIX
    const maxEntries = options.maxEntries ?? 500
    const crypto = options.crypto ?? globalThis.crypto
    this.caches = options.caches ?? globalThis.caches
    this.origin = options.origin ?? globalThis.location.origin
    this.reports = new ServedReports(options.clients ?? (globalThis as { clients?: WorkerClients }).clients)
    this.now = options.now ?? (() => performance.now())
    this.cache = new EncryptedCache(this.caches, this.cacheName, this.prefix, maxEntries)
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
        flight.epoch === this.cache.epoch ? this.questions.ask(question, flight) : Promise.reject(cleared()),
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
    if (request.method !== 'GET') return undefined
    const url = new URL(request.url)
    if (url.origin !== this.origin || !url.pathname.startsWith(`${this.prefix}/`)) return undefined
    const parsed = parseImageUrl(url, this.prefix)
    if (!parsed.ok) return Promise.resolve(textResponse(400, `Bad image request: ${parsed.reason}`))
    // A URL the page made before its last clear: nobody will hand its record or answer for it.
    if (parsed.epoch < (this.pageEpochs.get(clientId) ?? 0)) return Promise.resolve(failedResponse('aborted'))
    const key = imageUrl(parsed.id, parsed.token, this.prefix)
    let flight = this.inflight.get(key)
    // A flight from before a clear, still storing what it answered, answers nobody new.
    if (flight?.epoch !== this.cache.epoch) flight = this.fly(key, parsed, clientId)
    else if (!flight.clients.has(clientId)) {
      // The page first asked may be gone (a reload): ask again for the new one.
      flight.clients.add(clientId)
      flight.repost?.()
    }
    waitUntil?.(flight.done)
    // Concurrent requests share one round trip; each gets its own body.
    const joined = flight
    return joined.response.then((response) => {
      if (joined.served) this.reports.add(clientId, joined.served)
      return response.clone()
    })
  }

  /**
   * Takes a message a page posted to the worker itself (`postMessage`): the records it hands
   * over (`RECORDS`), and its clears (`CLEAR`), which come after the records it handed
   * before them. Anything else is ignored. Call from the worker's `message` event;
   * `clientId` is its source's id, so that page's URLs from before its clear answer at once.
   */
  receive(data: unknown, clientId?: string): Promise<void> {
    if (isRecordsMessage(data)) this.loads.receive(data)
    if (!isClearMessage(data)) return Promise.resolve()
    if (clientId !== undefined && typeof data.epoch === 'number') this.pageEpochs.set(clientId, data.epoch)
    return this.onClear(data)
  }

  /** Stops listening to the pages; questions still pending answer `504`. */
  close(): void {
    // Stryker disable next-line StringLiteral: the request answers 504 by its code; the message is never shown
    this.questions.refuseAll(new PixstoreError('aborted', 'The worker was closed'))
    this.channel.close()
    void this.loads.close()
  }

  /** Deletes caches of other versions. Call from `activate`. */
  async deleteOldCaches(): Promise<void> {
    const names = await this.caches.keys()
    await Promise.all(
      names
        .filter((n) => n.startsWith('pixstore-') && n !== this.cacheName)
        .map((n) => this.caches.delete(n)),
    )
  }

  /**
   * Starts answering `key`. The flight lasts until the page's answer is stored, so a request
   * for the same URL meanwhile joins it rather than asking again.
   */
  private fly(
    key: string,
    { id, token, handed }: { id: string; token: number; handed: boolean },
    clientId: string,
  ): SharedFlight {
    const asking: AnsweringFlight = { id, handed, epoch: this.cache.epoch, clients: new Set([clientId]) }
    const answered = this.respond(key, id, token, asking)
    const flight: SharedFlight = Object.assign(asking, {
      response: answered.then(({ response }) => response),
      // After a clear, a new flight may have taken this one's place.
      done: answered
        .then(({ kept }) => kept)
        .finally(() => this.inflight.get(key) === flight && this.inflight.delete(key)),
    })
    this.inflight.set(key, flight)
    return flight
  }

  /** The response to `flight`, and what settles once the page's answer is kept. */
  private async respond(
    key: string,
    id: string,
    token: number,
    flight: AnsweringFlight,
  ): Promise<{ response: Response; kept?: Promise<void> }> {
    const start = this.now()
    let kept: Promise<void> | undefined
    try {
      const resolved = await this.images.imageOf(key, id, token, flight)
      kept = resolved.kept
      // Asked before a clear: nothing of it is answered after.
      if (flight.epoch !== this.cache.epoch) throw cleared()
      const { image, source } = resolved
      // The page counts what it answered itself; what the worker answered alone, it is told.
      if (source !== 'page') {
        const ms = this.now() - start
        flight.served = { id, token, source, bytes: image.blob.size, ms }
      }
      return { response: imageResponse(image), kept }
    } catch (error) {
      const code = isPixstoreError(error) ? error.code : 'server-error'
      return { response: failedResponse(code), kept }
    }
  }

  /**
   * Logout: every question pending is refused, every key, record and image held dropped, the
   * worker's own loads aborted, the cache deleted.
   */
  private async clear(): Promise<void> {
    const done = Promise.all([this.cache.clear(), this.loads.clear()])
    this.questions.refuseAll(cleared())
    this.images.forgetAll()
    await done
  }

  /**
   * A clear, the first time its id arrives: everything is dropped, then confirmed (`CLEARED`)
   * once the worker's own loads are aborted and what they queued for Dexie dropped, so the
   * page that cleared writes the next session's images after it. The same clear arriving again
   * (on the other path, after the records a page handed before it) drops the records again.
   */
  private async onClear({ clearId }: ClearMessage): Promise<void> {
    if (clearId && this.clearIds.includes(clearId)) return this.loads.forgetRecords()
    if (clearId && this.clearIds.push(clearId) > CLEAR_IDS) this.clearIds.shift()
    await this.clear()
    if (clearId) this.channel.postMessage({ type: SW_MESSAGE.CLEARED, clearId })
  }

  /** Entries that left the pages' cache leave the worker's too. */
  private async evict(ids: readonly string[]): Promise<void> {
    // Marked at once, before any await, so no request still running stores an evicted image.
    for (const id of ids) {
      for (const flight of this.inflight.values()) if (flight.id === id) flight.evicted = true
    }
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
        for (const flight of this.inflight.values()) flight.repost?.()
        return
      case SW_MESSAGE.CLEAR:
        return this.onClear(message)
    }
  }
}
