import {
  type ImageRecord,
  type ImageService,
  checkOption,
  Subscribable,
  versionKey,
} from '../core/internal.js'
import {
  SW_CACHE_NAME,
  SW_CHANNEL,
  SW_MESSAGE,
  SW_PREFIX,
  type ClearMessage,
  type SwMessage,
  type WorkerLoadSource,
  imageUrl,
  LruMap,
} from '../protocol/index.js'
import { answerQuestion } from './answerQuestion.js'
import { ClearConfirmations } from './ClearConfirmations.js'
import { countClear, documentClearCount } from './documentClears.js'
import { RecordHandOver } from './RecordHandOver.js'

/** Options of a `WorkerBridge`. */
export interface WorkerBridgeOptions {
  /** The page's image service, which answers the worker from Dexie or the network. */
  service: ImageService
  /** BroadcastChannel name. @default 'pixstore' */
  channel?: string
  /** Records remembered for the worker's requests. @default 5000 */
  maxRecords?: number
  /** Cache Storage of the worker, cleared by `clear()`. @default globalThis.caches */
  caches?: CacheStorage
  /**
   * Whether a service worker controls the page: `clear()` then waits for the worker to confirm
   * the clear, so the next session's first images never reach a worker still in the old one.
   * @default () => navigator.serviceWorker.controller !== null
   */
  controlled?: () => boolean
  /** Milliseconds `clear()` waits for the worker's confirmation (a stopped worker hears nothing, and holds nothing either). @default 1000 */
  confirmTimeout?: number
  /**
   * How the worker loads this page's images itself (`workerLoadSource(config)`). With it, the
   * records registered are handed to the worker that controls the page, one message per task.
   * @default none: the worker asks the page for each image
   */
  source?: WorkerLoadSource
  /** The worker the records are handed to. @default navigator.serviceWorker.controller */
  controller?: () => Pick<ServiceWorker, 'postMessage'> | null | undefined
}

/**
 * The page side of the worker path: knows the records components asked for, answers the
 * worker's image and key requests through the image service, and tells the worker what left
 * the encrypted cache. A clear of the service, from here, from the core API or from another
 * tab, reaches the worker and every tab: records are forgotten and nothing asked before it is
 * answered after it.
 *
 * Trust: the BroadcastChannel is same-origin. Any script of the origin can read the answers
 * (ciphertext and its key) and post questions; that script could read the records from the
 * app anyway. Keep third-party scripts off the origin that shows private images.
 */
export class WorkerBridge {
  private readonly service: ImageService
  private readonly channelName: string
  private readonly caches: CacheStorage | undefined
  private readonly records: LruMap<ImageRecord>
  /** Request ids already answered: the worker posts a question again when a new page joins. */
  private readonly answered: LruMap<true>
  private readonly clears = new Subscribable<'local' | 'remote'>()
  private channel: BroadcastChannel | undefined
  private epoch = documentClearCount()
  /** The clear heard from another tab while it runs through the service. */
  private remoteClear: ClearMessage | undefined
  private workerCacheDeleted: Promise<unknown> = Promise.resolve()
  private workerCleared: Promise<void> = Promise.resolve()
  private readonly confirmations: ClearConfirmations
  private readonly controlled: () => boolean
  /** With a `source`: the records registered, handed to the worker in control. */
  private readonly handOver: RecordHandOver | undefined

  /** @throws `invalid-option` when `maxRecords` or `confirmTimeout` is out of range. */
  constructor(options: WorkerBridgeOptions) {
    checkOption('maxRecords', options.maxRecords, { min: 1 })
    checkOption('confirmTimeout', options.confirmTimeout, { min: 1, integer: false })
    this.service = options.service
    this.channelName = options.channel ?? SW_CHANNEL
    const maxRecords = options.maxRecords ?? 5000
    this.records = new LruMap(maxRecords)
    this.answered = new LruMap(maxRecords)
    this.caches = options.caches ?? globalThis.caches
    this.controlled = options.controlled ?? (() => globalThis.navigator?.serviceWorker?.controller != null)
    this.confirmations = new ClearConfirmations(options.confirmTimeout ?? 1000)
    if (options.source)
      this.handOver = new RecordHandOver(
        options.source,
        options.controller ?? (() => globalThis.navigator?.serviceWorker?.controller),
      )
    // For the bridge's whole life: a clear of the service reaches the worker however it is made.
    this.service.subscribe((change) => {
      if (change.type === 'clear') this.cleared()
      else this.channel?.postMessage({ type: SW_MESSAGE.EVICT, ids: change.ids })
    })
  }

  /**
   * How many clears of the service there have been: an answer prepared before one is never
   * posted, and the worker answers an image URL made before this page's last one at once.
   */
  get clearEpoch(): number {
    return this.epoch
  }

  /** Whether the worker is handed the records registered, so it loads them itself. */
  get handsOver(): boolean {
    return this.handOver !== undefined
  }

  /**
   * The worker URL under `prefix` of a version this page shows: it says whether the record is
   * handed over, and the page's clear epoch (`ImageUrlPage`).
   */
  urlOf(record: Pick<ImageRecord, 'id' | 'token'>, prefix: string = SW_PREFIX): string {
    return imageUrl(record.id, record.token, prefix, { handed: this.handsOver, epoch: this.epoch })
  }

  /**
   * Makes a record answerable when the worker asks for its image or key, and, with a
   * `source`, hands it to the worker: the records of one task (a gallery committing) go in one
   * message, posted before the task ends.
   */
  register(record: ImageRecord): void {
    this.records.set(versionKey(record), record)
    this.handOver?.add(record)
  }

  /** Starts listening to the worker and forwarding cache evictions. */
  start(): void {
    if (this.channel) return
    const channel = new BroadcastChannel(this.channelName)
    channel.onmessage = (event: MessageEvent<SwMessage>) => void this.onMessage(event.data)
    this.channel = channel
    // A BroadcastChannel hears only what is posted after it exists: the worker asks again.
    channel.postMessage({ type: SW_MESSAGE.BRIDGE_READY })
  }

  /** Stops listening. */
  stop(): void {
    this.channel?.close()
    this.channel = undefined
  }

  /**
   * Logout: clears the image service (its loads in flight are aborted), deletes the worker's
   * Cache Storage and makes the worker and every other tab drop every record and key they
   * hold. The same happens when the service is cleared directly. Resolves once the worker
   * controlling the page confirmed it (within `confirmTimeout`).
   */
  async clear(): Promise<void> {
    const serviceCleared = this.service.clear()
    await Promise.all([serviceCleared, this.workerCacheDeleted, this.workerCleared])
  }

  /**
   * Calls `listener` when the images are cleared, by `clear()` here (`'local'`) or by
   * another tab's bridge (`'remote'`). Returns the unsubscribe function.
   */
  onClear(listener: (origin: 'local' | 'remote') => void): () => void {
    return this.clears.subscribe(listener)
  }

  /** Runs as the service's clear starts, before anything else can happen. */
  private cleared(): void {
    const heard = this.remoteClear
    this.records.clear()
    this.answered.clear()
    const origin = heard ? 'remote' : 'local'
    const clear = heard ?? { type: SW_MESSAGE.CLEAR, clearId: globalThis.crypto.randomUUID() }
    this.epoch = countClear(clear.clearId)
    // Also after the records this page handed over, on the same ordered path: a record posted
    // before the clear never reaches the worker after it. With this page's epoch, so the
    // worker knows its URLs from before.
    this.handOver?.clear(clear, this.epoch)
    if (origin === 'local') {
      this.channel?.postMessage(clear)
      this.workerCleared =
        this.channel && this.controlled() ? this.confirmations.wait(clear.clearId!) : Promise.resolve()
      this.workerCacheDeleted = this.caches?.delete(SW_CACHE_NAME).catch(() => false) ?? Promise.resolve()
    }
    this.clears.emit(origin)
  }

  private async onMessage(message: SwMessage): Promise<void> {
    if (message.type === SW_MESSAGE.CLEARED) return this.confirmations.confirm(message.clearId)
    if (message.type === SW_MESSAGE.CLEAR) {
      // Another tab logged out: abort this tab's loads too (their writes would bring images back).
      this.remoteClear = message
      try {
        void this.service.clear().catch(() => undefined)
      } finally {
        this.remoteClear = undefined
      }
      return
    }
    if (message.type !== SW_MESSAGE.IMAGE_REQUEST && message.type !== SW_MESSAGE.KEY_REQUEST) return
    const record = this.records.get(versionKey(message))
    // Another tab may know it; an unknown record is not ours to answer.
    if (!record || this.answered.get(message.requestId)) return
    this.answered.set(message.requestId, true)
    const epoch = this.epoch
    const answer = await answerQuestion(this.service, message, record)
    // Prepared before a clear: never posted after it.
    if (epoch === this.epoch) this.channel?.postMessage(answer)
  }
}
