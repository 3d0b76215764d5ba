import {
  checkOption,
  decryptImage,
  DEFAULT_IMAGE_FORMATS,
  importDecryptionKey,
  isPixstoreError,
  PixstoreError,
  type DecryptionKey,
  type ImageFormat,
  type PixstoreErrorCode,
} from '../core/index.js'
import { EncryptedCache } from './EncryptedCache.js'
import { imageUrl, parseImageUrl } from './imageUrl.js'
import { LruMap } from './LruMap.js'
import {
  SW_CACHE_NAME,
  SW_CHANNEL,
  SW_MESSAGE,
  SW_PREFIX,
  type ImageResponseMessage,
  type KeyResponseMessage,
  type SwMessage,
} from './messages.js'

/** Options of the worker; the worker script reads them from its own URL's query. */
export interface PixstoreWorkerOptions {
  /** Path prefix of image URLs. @default '/_img' */
  prefix?: string
  /** BroadcastChannel name shared with the page bridges. @default 'pixstore' */
  channel?: string
  /** Milliseconds to wait for a bridge before answering 504. @default 5000 */
  timeout?: number
  /** Most entries in the worker's Cache Storage. @default 500 */
  maxEntries?: number
  /** Must match the backend and the page. @default ['png','webp','jpg','jpeg'] */
  imageFormats?: readonly ImageFormat[]
  /** Bytes of recently served images kept decrypted in the worker's memory (never on disk),
   * so repeat views skip the Cache read and the decryption. 0 turns it off. @default 33554432 (32 MiB) */
  memoryBytes?: number
  /** Cache Storage to use. @default globalThis.caches */
  caches?: CacheStorage
  /** Origin whose `GET {prefix}/...` requests are handled. @default globalThis.location.origin */
  origin?: string
  /** WebCrypto for decryption and request ids. @default globalThis.crypto */
  crypto?: Crypto
}

type ServedImage = { bytes: Uint8Array<ArrayBuffer>; mimeType: string }

type Pending = {
  resolve: (message: SwMessage) => void
  reject: (error: PixstoreError) => void
  timer: ReturnType<typeof setTimeout>
}

/** A request being answered, shared by every fetch of the same URL. */
interface Flight {
  id: string
  /** The clear epoch it started in: after a clear it stores nothing and answers 504. */
  epoch: number
  response: Promise<Response>
  /** Clients whose fetches joined; a new one gets the question posted again. */
  clients: Set<string>
  /** Posts the pending question again, with a fresh timeout. */
  repost?: () => void
  /** Dexie evicted the image while this request ran: answer it, store nothing. */
  evicted?: boolean
}

const STATUS_OF: Partial<Record<PixstoreErrorCode, number>> = {
  'not-found': 404,
  'missing-proof': 403,
  'invalid-proof': 403,
  timeout: 504,
  aborted: 504,
}

function textResponse(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' },
  })
}

// Stryker disable next-line StringLiteral: the request answers 504 by its code; the message is never shown
const cleared = () => new PixstoreError('aborted', 'The images were cleared')

/**
 * The service worker's image handler: answers `GET {prefix}/{id}?t={token}` from Cache
 * Storage, where it keeps ciphertext only, decrypting with keys held in memory. A miss or a
 * lost key is asked of the page bridges over a BroadcastChannel.
 */
export class PixstoreWorker {
  readonly prefix: string
  readonly cacheName = SW_CACHE_NAME
  private readonly timeout: number
  private readonly formats: readonly ImageFormat[]
  private readonly caches: CacheStorage
  private readonly origin: string
  private readonly crypto: Crypto
  private readonly channel: BroadcastChannel
  private readonly cache: EncryptedCache
  private readonly pending = new Map<string, Pending>()
  private readonly inflight = new Map<string, Flight>()
  /** Keys of the versions in Cache Storage, in memory only. */
  private readonly keys: LruMap<DecryptionKey>
  /** Recently served plaintext, in memory only, within `memoryBytes`. */
  private readonly served: LruMap<ServedImage>

  /** @throws `invalid-option` when `timeout`, `maxEntries` or `memoryBytes` is out of range. */
  constructor(options: PixstoreWorkerOptions = {}) {
    checkOption('timeout', options.timeout, { min: 1, integer: false })
    checkOption('maxEntries', options.maxEntries, { min: 1 })
    checkOption('memoryBytes', options.memoryBytes)
    this.prefix = options.prefix ?? SW_PREFIX
    this.timeout = options.timeout ?? 5000
    const maxEntries = options.maxEntries ?? 500
    this.formats = options.imageFormats ?? DEFAULT_IMAGE_FORMATS
    this.keys = new LruMap(maxEntries)
    this.served = new LruMap(options.memoryBytes ?? 32 * 1024 * 1024, (image) => image.bytes.length)
    this.caches = options.caches ?? globalThis.caches
    this.origin = options.origin ?? globalThis.location.origin
    this.crypto = options.crypto ?? globalThis.crypto
    this.cache = new EncryptedCache(this.caches, this.cacheName, this.prefix, maxEntries)
    this.channel = new BroadcastChannel(options.channel ?? SW_CHANNEL)
    this.channel.onmessage = (event: MessageEvent<SwMessage>) => void this.onMessage(event.data)
  }

  /**
   * The response for a request, or `undefined` when the request is not an image URL of this
   * worker and must go to the network untouched. `clientId` is the fetch event's client.
   */
  // Stryker disable next-line StringLiteral: any default works, as long as it is one id for every fetch without one
  handle(request: Request, clientId = ''): Promise<Response> | undefined {
    if (request.method !== 'GET') return undefined
    const url = new URL(request.url)
    if (url.origin !== this.origin || !url.pathname.startsWith(`${this.prefix}/`)) return undefined
    const parsed = parseImageUrl(url, this.prefix)
    if (!parsed.ok) return Promise.resolve(textResponse(400, `Bad image request: ${parsed.reason}`))
    const key = imageUrl(parsed.id, parsed.token, this.prefix)
    let flight = this.inflight.get(key)
    if (!flight) {
      const created: Flight = {
        id: parsed.id,
        epoch: this.cache.epoch,
        response: Promise.resolve(new Response()),
        clients: new Set([clientId]),
      }
      // Nothing else takes a flight out, so the one under this key is still this one.
      created.response = this.respond(key, parsed.id, parsed.token, created).finally(() =>
        this.inflight.delete(key),
      )
      this.inflight.set(key, created)
      flight = created
    } else if (!flight.clients.has(clientId)) {
      // The page first asked may be gone (a reload): ask again for the new one.
      flight.clients.add(clientId)
      flight.repost?.()
    }
    // Concurrent requests share one round trip; each gets its own body.
    return flight.response.then((r) => r.clone())
  }

  /** Stops listening to the pages; questions still pending answer `504`. */
  close(): void {
    // Stryker disable next-line StringLiteral: the request answers 504 by its code; the message is never shown
    this.refusePending(new PixstoreError('aborted', 'The worker was closed'))
    this.channel.close()
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

  private async respond(key: string, id: string, token: number, flight: Flight): Promise<Response> {
    try {
      const image = await this.imageOf(key, id, token, flight)
      // Asked before a clear: nothing of it is answered after.
      if (flight.epoch !== this.cache.epoch) throw cleared()
      return this.imageResponse(image.bytes, image.mimeType)
    } catch (error) {
      const code = isPixstoreError(error) ? error.code : 'server-error'
      return textResponse(STATUS_OF[code] ?? 502, `Image unavailable: ${code}`)
    }
  }

  private async imageOf(key: string, id: string, token: number, flight: Flight): Promise<ServedImage> {
    const recent = this.served.get(key)
    if (recent) return recent
    const encrypted = await this.cache.match(key)
    if (encrypted) {
      try {
        const decryptionKey = this.keys.get(key) ?? (await this.requestKey(key, id, token, flight))
        const image = await decryptImage(encrypted, decryptionKey, this.formats, this.crypto.subtle)
        if (!flight.evicted && flight.epoch === this.cache.epoch) this.served.set(key, image)
        return image
      } catch (error) {
        if (!isPixstoreError(error, 'decrypt-failed')) throw error
        // A stale or damaged entry: drop it and ask the page for the image once.
        this.keys.delete(key)
        await this.cache.drop(id)
      }
    }
    const answer = await this.ask<ImageResponseMessage>({ type: SW_MESSAGE.IMAGE_REQUEST, id, token }, flight)
    // Stryker disable next-line StringLiteral: the request answers by the code; the message is never shown
    if (!answer.ok) throw new PixstoreError(answer.code, `The page answered ${answer.code}`)
    const decryptionKey = await importDecryptionKey(answer.meta, this.crypto.subtle)
    const image = await decryptImage(answer.encrypted, decryptionKey, this.formats, this.crypto.subtle)
    // Kept under the version the page answered with (newer than asked after an Updated answer).
    if (!flight.evicted) await this.store(id, answer.token, answer.encrypted, decryptionKey, image, flight)
    // Evicted while it was being stored: undo it, Dexie is the source of truth.
    if (flight.evicted) await this.drop(id)
    return image
  }

  /**
   * Caches a verified answer: ciphertext in Cache Storage, key and plaintext in memory.
   * Never replaces a newer version, never outlives a clear, and a refused write only costs
   * the cache.
   */
  private async store(
    id: string,
    token: number,
    encrypted: Uint8Array<ArrayBuffer>,
    decryptionKey: DecryptionKey,
    image: ServedImage,
    flight: Flight,
  ): Promise<void> {
    // Kept in memory whether or not Cache Storage took it: a full disk costs only the cache.
    await this.cache.put(id, token, encrypted, flight.epoch)
    if (flight.epoch !== this.cache.epoch || flight.evicted) return
    const newest = await this.cache.newest(id)
    if (newest !== undefined && newest > token) return
    // One version per id in memory too: this one replaces every other.
    this.dropFromMemory(id)
    const key = imageUrl(id, token, this.prefix)
    this.keys.set(key, decryptionKey)
    this.served.set(key, image)
  }

  /** Drops every version of `id`: from memory and from Cache Storage. */
  private async drop(id: string): Promise<void> {
    this.dropFromMemory(id)
    await this.cache.drop(id)
  }

  /** Drops the keys and served images of every version of `id`. */
  private dropFromMemory(id: string): void {
    // Every version's URL starts like this one's, up to its token.
    const versions = imageUrl(id, 0, this.prefix).slice(0, -1)
    const ofId = (key: string) => key.startsWith(versions)
    this.keys.deleteWhere(ofId)
    this.served.deleteWhere(ofId)
  }

  private imageResponse(bytes: Uint8Array<ArrayBuffer>, mimeType: string): Response {
    return new Response(bytes, {
      headers: {
        'Content-Type': mimeType,
        'Cache-Control': 'private, immutable',
        'Content-Length': String(bytes.length),
      },
    })
  }

  private async requestKey(key: string, id: string, token: number, flight: Flight): Promise<DecryptionKey> {
    const answer = await this.ask<KeyResponseMessage>({ type: SW_MESSAGE.KEY_REQUEST, id, token }, flight)
    // Stryker disable next-line StringLiteral: the request answers by the code; the message is never shown
    if (!answer.ok) throw new PixstoreError(answer.code, `The page answered ${answer.code}`)
    const decryptionKey = await importDecryptionKey(answer.meta, this.crypto.subtle)
    if (flight.epoch === this.cache.epoch) this.keys.set(key, decryptionKey)
    return decryptionKey
  }

  /** Posts a request to the page bridges and waits for the first answer. */
  private ask<T extends ImageResponseMessage | KeyResponseMessage>(
    question: {
      type: typeof SW_MESSAGE.IMAGE_REQUEST | typeof SW_MESSAGE.KEY_REQUEST
      id: string
      token: number
    },
    flight: Flight,
  ): Promise<T> {
    if (flight.epoch !== this.cache.epoch) return Promise.reject(cleared())
    const message = { ...question, requestId: this.crypto.randomUUID() }
    return new Promise<T>((resolve, reject) => {
      const expire = () =>
        setTimeout(() => {
          this.pending.delete(message.requestId)
          flight.repost = undefined
          // Stryker disable next-line StringLiteral: the request answers 504 by its code; the message is never shown
          reject(new PixstoreError('timeout', `No page answered for ${message.id} in ${this.timeout} ms`))
        }, this.timeout)
      const pending: Pending = {
        resolve: (answer) => {
          flight.repost = undefined
          resolve(answer as T)
        },
        reject: (error) => {
          flight.repost = undefined
          reject(error)
        },
        timer: expire(),
      }
      this.pending.set(message.requestId, pending)
      flight.repost = () => {
        clearTimeout(pending.timer)
        pending.timer = expire()
        this.channel.postMessage(message)
      }
      this.channel.postMessage(message)
    })
  }

  /** Logout: every question pending is refused, every key and image held dropped, the cache deleted. */
  private async clear(): Promise<void> {
    const done = this.cache.clear()
    this.refusePending(cleared())
    this.keys.clear()
    this.served.clear()
    await done
  }

  /** Every question still waiting on the pages fails with `error` (its request answers 504). */
  private refusePending(error: PixstoreError): void {
    for (const [requestId, pending] of this.pending) {
      this.pending.delete(requestId)
      clearTimeout(pending.timer)
      pending.reject(error)
    }
  }

  private async onMessage(message: SwMessage): Promise<void> {
    switch (message.type) {
      case SW_MESSAGE.IMAGE_RESPONSE:
      case SW_MESSAGE.KEY_RESPONSE: {
        const pending = this.pending.get(message.requestId)
        if (!pending) return
        this.pending.delete(message.requestId)
        clearTimeout(pending.timer)
        pending.resolve(message)
        return
      }
      case SW_MESSAGE.EVICT: {
        // Marked at once, before any await, so no request still running stores an evicted image.
        for (const id of message.ids) {
          for (const flight of this.inflight.values()) if (flight.id === id) flight.evicted = true
        }
        await Promise.all(message.ids.map((id) => this.drop(id)))
        return
      }
      case SW_MESSAGE.BRIDGE_READY:
        for (const flight of this.inflight.values()) flight.repost?.()
        return
      case SW_MESSAGE.CLEAR:
        return this.clear()
    }
  }
}
