import type { ImageRecord, ImageService } from '../core/index.js'
import { isPixstoreError } from '../core/index.js'
import {
  SW_CACHE_NAME,
  SW_CHANNEL,
  SW_MESSAGE,
  type ImageRequestMessage,
  type KeyRequestMessage,
  type SwMessage,
} from './messages.js'

/** Options of a `WorkerBridge`. */
export interface WorkerBridgeOptions {
  /** The page's image service, which answers the worker from Dexie or the network. */
  service: ImageService
  /** BroadcastChannel name. @default 'pixstore' */
  channel?: string
  /** Records remembered for the worker's requests. @default 5000 */
  maxRecords?: number
  /** Web Locks, so one tab answers each image when several are open. @default navigator.locks */
  locks?: LockManager
  /** Cache Storage of the worker, cleared by `clear()`. @default globalThis.caches */
  caches?: CacheStorage
}

const keyOf = (id: string, token: number) => `${id}\u0000${token}`

/**
 * The page side of the worker path: knows the records components asked for, answers the
 * worker's image and key requests through the image service, and tells the worker what left
 * the encrypted cache.
 */
export class WorkerBridge {
  private readonly service: ImageService
  private readonly channelName: string
  private readonly maxRecords: number
  private readonly locks: LockManager | undefined
  private readonly caches: CacheStorage | undefined
  private readonly records = new Map<string, ImageRecord>()
  /** Request ids already answered: the worker posts a question again when a new page joins. */
  private readonly answered = new Set<string>()
  private readonly clearListeners = new Set<(origin: 'local' | 'remote') => void>()
  private channel: BroadcastChannel | undefined
  private unsubscribe: (() => void) | undefined

  constructor(options: WorkerBridgeOptions) {
    this.service = options.service
    this.channelName = options.channel ?? SW_CHANNEL
    this.maxRecords = options.maxRecords ?? 5000
    this.locks = options.locks ?? globalThis.navigator?.locks
    this.caches = options.caches ?? globalThis.caches
  }

  /** Whether the bridge listens. */
  get started(): boolean {
    return this.channel !== undefined
  }

  /** Makes a record answerable when the worker asks for its image or key. */
  register(record: ImageRecord): void {
    const key = keyOf(record.id, record.token)
    this.records.delete(key)
    this.records.set(key, record)
    for (const oldest of this.records.keys()) {
      if (this.records.size <= this.maxRecords) break
      this.records.delete(oldest)
    }
  }

  /** Starts listening to the worker and forwarding cache evictions. */
  start(): void {
    if (this.channel) return
    const channel = new BroadcastChannel(this.channelName)
    channel.onmessage = (event: MessageEvent<SwMessage>) => void this.onMessage(event.data)
    this.channel = channel
    // A BroadcastChannel hears only what is posted after it exists: the worker asks again.
    channel.postMessage({ type: SW_MESSAGE.BRIDGE_READY })
    this.unsubscribe = this.service.subscribe((change) => {
      if (change.type !== 'clear') channel.postMessage({ type: SW_MESSAGE.EVICT, ids: change.ids })
    })
  }

  /** Stops listening. */
  stop(): void {
    this.unsubscribe?.()
    this.channel?.close()
    this.channel = undefined
  }

  /**
   * Deletes the worker's Cache Storage and makes the worker and every other tab's bridge
   * drop every record and key they hold (logout).
   */
  async clear(): Promise<void> {
    this.forget('local')
    this.channel?.postMessage({ type: SW_MESSAGE.CLEAR })
    await this.caches?.delete(SW_CACHE_NAME)
  }

  /**
   * Calls `listener` when the images are cleared, by `clear()` here (`'local'`) or by
   * another tab's bridge (`'remote'`). Returns the unsubscribe function.
   */
  onClear(listener: (origin: 'local' | 'remote') => void): () => void {
    this.clearListeners.add(listener)
    return () => void this.clearListeners.delete(listener)
  }

  private forget(origin: 'local' | 'remote'): void {
    this.records.clear()
    this.answered.clear()
    for (const listener of this.clearListeners) listener(origin)
  }

  private async onMessage(message: SwMessage): Promise<void> {
    if (message.type === SW_MESSAGE.CLEAR) return this.forget('remote')
    if (message.type !== SW_MESSAGE.IMAGE_REQUEST && message.type !== SW_MESSAGE.KEY_REQUEST) return
    const record = this.records.get(keyOf(message.id, message.token))
    // Another tab may know it; an unknown record is not ours to answer.
    if (!record || this.answered.has(message.requestId)) return
    this.answered.add(message.requestId)
    if (this.answered.size > this.maxRecords) this.answered.delete(this.answered.values().next().value!)
    if (message.type === SW_MESSAGE.IMAGE_REQUEST) await this.answerImage(message, record)
    else this.answerKey(message, record)
  }

  private answerKey(message: KeyRequestMessage, record: ImageRecord): void {
    this.channel?.postMessage({
      type: SW_MESSAGE.KEY_RESPONSE,
      requestId: message.requestId,
      ok: true,
      meta: record.meta,
    })
  }

  private async answerImage(message: ImageRequestMessage, record: ImageRecord): Promise<void> {
    const answer = async () => {
      try {
        const version = await this.service.getEncrypted(record)
        this.channel?.postMessage({
          type: SW_MESSAGE.IMAGE_RESPONSE,
          requestId: message.requestId,
          ok: true,
          token: version.token,
          encrypted: version.encrypted,
          meta: version.meta,
        })
      } catch (error) {
        this.channel?.postMessage({
          type: SW_MESSAGE.IMAGE_RESPONSE,
          requestId: message.requestId,
          ok: false,
          code: isPixstoreError(error) ? error.code : 'server-error',
        })
      }
    }
    // Tabs take turns per image: the first fetches and caches, the next finds it in Dexie.
    if (this.locks) await this.locks.request(`pixstore:${message.id}:${message.token}`, answer)
    else await answer()
  }
}
