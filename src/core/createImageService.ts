import { bytesToBase64 } from './base64.js'
import { checkOption } from './checkOption.js'
import { createEndpointFetcher } from './createEndpointFetcher.js'
import { decodeWirePayload } from './decodeWirePayload.js'
import { decryptImage, importDecryptionKey, type DecryptedImage } from './decryptImage.js'
import { FetchLimiter } from './FetchLimiter.js'
import type { DownloadProgress, ImageFetcher } from './ImageFetcher.js'
import { DEFAULT_IMAGE_FORMATS } from './imageFormats.js'
import type { ImageDecryptionMeta, ImageRecord } from './ImageRecord.js'
import { ImageStore, type ImageStoreChange, type ImageStoreStats } from './ImageStore.js'
import type { PixstoreConfig } from './PixstoreConfig.js'
import { isPixstoreError, PixstoreError } from './PixstoreError.js'
import { versionKey } from './versionKey.js'
import { WIRE_STATE_ERROR_CODES, WireState } from './WireState.js'

/** Per-call options of `getImage`. */
export interface GetImageOptions {
  /** Passed to a custom fetcher as is. */
  context?: unknown
  /** Cancels this caller's interest; the shared fetch stops when every caller has left. */
  signal?: AbortSignal
  /** Bytes received while the body downloads, when the fetcher streams. */
  onProgress?: (progress: DownloadProgress) => void
}

/** One image engine: fetch, cache, validate, decrypt. Create with `createImageService`. */
export interface ImageService {
  /** The decrypted image of a record, from the encrypted cache when its token is current. */
  getImage(record: ImageRecord, options?: GetImageOptions): Promise<Blob>
  /**
   * The verified ciphertext of a record and the meta that decrypts it, from the cache or the
   * network, for a service worker to cache and decrypt on its side. Shares in-flight
   * requests with `getImage`.
   */
  getEncrypted(record: ImageRecord, options?: GetImageOptions): Promise<EncryptedVersion>
  /** Fills the encrypted cache for records not cached at their token. Never rejects. */
  prefetch(records: readonly ImageRecord[], options?: GetImageOptions): Promise<void>
  /** Removes one image from the cache; a load of it still in flight will not cache it. */
  deleteCachedImage(id: string): Promise<void>
  /** Whether an image (any token) is cached. */
  cachedImageExists(id: string): Promise<boolean>
  /**
   * Empties the cache (logout). Every load in flight is aborted at once (its callers reject
   * with `aborted`) and nothing it fetched is cached or answered; listeners hear `clear`
   * before this returns its promise.
   */
  clear(): Promise<void>
  /** Entries and ciphertext bytes in the cache. */
  stats(): Promise<ImageStoreStats>
  /** Listens to entries leaving the cache; `clear` is heard as the clear starts. */
  subscribe(listener: (change: ImageStoreChange) => void): () => void
  /** The store behind the service. */
  readonly store: ImageStore
  /** Flushes pending writes and closes the database. */
  close(): Promise<void>
}

/** One image version as cached: ciphertext plus what decrypts it. */
export interface EncryptedVersion {
  /** The version the ciphertext is; differs from the record's when the backend answered Updated. */
  token: number
  encrypted: Uint8Array<ArrayBuffer>
  meta: ImageDecryptionMeta
  /** MIME type of the plaintext image. */
  mimeType: string
}

interface Resolved extends EncryptedVersion {
  image: DecryptedImage
}

/** One shared load of an image version and the callers waiting on it. */
interface Flight {
  id: string
  promise: Promise<Resolved>
  blob?: Promise<Blob>
  controller: AbortController
  callers: number
  load: Load
}

/** What one shared load carries down to the fetcher. */
interface Load {
  context: unknown
  signal: AbortSignal
  /** Callers' progress listeners; without any, the fetcher is not asked to stream. */
  listeners: Set<(progress: DownloadProgress) => void>
  /** The image was deleted from the cache while this load ran: what it fetches is not cached. */
  uncacheable: boolean
}

function abortError(signal: AbortSignal): PixstoreError {
  const reason: unknown = signal.reason
  if (isPixstoreError(reason)) return reason
  return new PixstoreError('aborted', 'The image request was aborted', { cause: reason })
}

/** Rejects as soon as `signal` aborts, whatever `promise` does. */
function raceSignal<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: () => void = () => undefined,
): Promise<T> {
  if (!signal) return promise
  if (signal.aborted) {
    onAbort()
    // Its failure is nobody's now; unobserved, it would surface as an unhandled rejection.
    promise.catch(() => undefined)
    return Promise.reject(abortError(signal))
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort()
      reject(abortError(signal))
    }
    signal.addEventListener('abort', abort)
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort)
        reject(error)
      },
    )
  })
}

/** A signal that aborts with `timeout` after `ms`, or when `signal` aborts; `done` stops the timer. */
function timeoutSignal(signal: AbortSignal, ms: number, what: string) {
  const controller = new AbortController()
  const timer = setTimeout(
    () => controller.abort(new PixstoreError('timeout', `No answer for ${what} in ${ms} ms`)),
    ms,
  )
  const onAbort = () => controller.abort(signal.reason)
  signal.addEventListener('abort', onAbort)
  const done = () => {
    clearTimeout(timer)
    signal.removeEventListener('abort', onAbort)
  }
  return { signal: controller.signal, done }
}

const fanOut =
  (listeners: Set<(progress: DownloadProgress) => void>) =>
  (progress: DownloadProgress): void =>
    listeners.forEach((listener) => listener(progress))

function checkRecord(record: ImageRecord): void {
  if (typeof record?.id !== 'string' || record.id === '') {
    throw new PixstoreError('missing-id', 'The record has no id')
  }
}

/**
 * Creates an image service. Each call makes an independent instance with its own store
 * connection, in-flight table and fetcher; nothing is shared through module state. Numeric
 * options are checked here: one out of range throws `invalid-option`.
 */
export function createImageService(config: PixstoreConfig = {}): ImageService {
  checkOption('timeout', config.timeout, { min: 1, integer: false })
  const formats = config.imageFormats ?? DEFAULT_IMAGE_FORMATS
  const subtle = (config.crypto ?? globalThis.crypto).subtle
  const timeout = config.timeout ?? 30_000
  const fetcher: ImageFetcher = config.fetcher ?? createEndpointFetcher(config.endpoint)
  const store = new ImageStore({ ...config.cache, now: config.now })
  const locks = config.locks === false ? undefined : (config.locks ?? globalThis.navigator?.locks)
  const lockPrefix = `pixstore/${encodeURIComponent(store.db.name)}/`
  const inflight = new Map<string, Flight>()
  const listeners = new Set<(change: ImageStoreChange) => void>()
  const limiter = new FetchLimiter(config.maxConcurrentFetches ?? 6)
  const report = (error: unknown) => {
    if (isPixstoreError(error)) config.onError?.(error)
    else config.onError?.(new PixstoreError('storage', 'Cache operation failed', { cause: error }))
  }
  const emit = (change: ImageStoreChange) => listeners.forEach((listener) => listener(change))
  // The store's own `clear` is not passed on: the service announces it as it starts.
  store.subscribe((change) => {
    if (change.type !== 'clear') emit(change)
  })

  async function fetchBody(record: ImageRecord, { context, signal, listeners }: Load): Promise<Uint8Array> {
    // Waiting for a slot is not part of the timeout; a load cancelled while it waits never starts.
    const release = await limiter.acquire(signal).catch(() => {
      throw abortError(signal)
    })
    const bounded = timeoutSignal(signal, timeout, `image ${record.id}`)
    try {
      const body = await raceSignal(
        fetcher(record, context, bounded.signal, listeners.size ? fanOut(listeners) : undefined).catch(
          (error: unknown) => {
            // An abort or a timeout never gets here: the race has already rejected with it.
            // A custom fetcher's own failure (a rejected fetch, a socket error) is a network error.
            throw isPixstoreError(error)
              ? error
              : new PixstoreError('network', `Fetching image ${record.id} failed`, { cause: error })
          },
        ),
        bounded.signal,
      )
      if (body instanceof ArrayBuffer) return new Uint8Array(body)
      if (body instanceof Uint8Array) return body
      throw new PixstoreError('bad-payload', 'The fetcher returned neither Uint8Array nor ArrayBuffer')
    } finally {
      release()
      bounded.done()
    }
  }

  /** The app's `refreshRecord`, bounded by the timeout and the load's signal, its failures typed. */
  async function refresh(id: string, signal: AbortSignal): Promise<ImageRecord> {
    const bounded = timeoutSignal(signal, timeout, `refreshRecord('${id}')`)
    try {
      const fresh = await raceSignal(
        Promise.resolve().then(() => config.refreshRecord!(id)),
        bounded.signal,
      )
      checkRecord(fresh)
      return fresh
    } catch (error) {
      if (isPixstoreError(error)) throw error
      throw new PixstoreError('invalid-proof', `refreshRecord('${id}') failed`, { cause: error })
    } finally {
      bounded.done()
    }
  }

  async function fetchImage(record: ImageRecord, load: Load, mayRefresh: boolean): Promise<Resolved> {
    const payload = decodeWirePayload(await fetchBody(record, load))
    if (payload.state !== WireState.Success && payload.state !== WireState.Updated) {
      const code = WIRE_STATE_ERROR_CODES[payload.state]
      if (code === 'invalid-proof' && mayRefresh && config.refreshRecord) {
        return fetchImage(await refresh(record.id, load.signal), load, false)
      }
      throw new PixstoreError(code, `The backend answered ${code} for image ${record.id}`)
    }
    const updated = payload.state === WireState.Updated
    const meta = updated
      ? { key: bytesToBase64(payload.key), iv: bytesToBase64(payload.iv), tag: bytesToBase64(payload.tag) }
      : record.meta
    const token = updated ? payload.token : record.token
    const image = await decryptImage(
      payload.encrypted,
      await importDecryptionKey(meta, subtle),
      formats,
      subtle,
    )
    // Cached only now that it decrypted, and only if nobody cancelled, cleared or deleted it
    // meanwhile; a refused write costs the cache, not the image.
    if (!load.signal.aborted && !load.uncacheable)
      await store.put({ id: record.id, token, encrypted: payload.encrypted }).catch(report)
    return { image, token, encrypted: payload.encrypted, meta, mimeType: image.mimeType }
  }

  /** The cached version of a record, decrypted, when its token is current. */
  async function readCache(record: ImageRecord): Promise<Resolved | undefined> {
    const cached = await store.get(record.id).catch((error: unknown) => void report(error))
    if (!cached || cached.token !== record.token) return undefined
    try {
      const image = await decryptImage(
        cached.encrypted,
        await importDecryptionKey(record.meta, subtle),
        formats,
        subtle,
      )
      store.touch(record.id)
      return {
        image,
        token: record.token,
        encrypted: cached.encrypted,
        meta: record.meta,
        mimeType: image.mimeType,
      }
    } catch {
      // A poisoned entry is dropped and the image fetched once more.
      await store.delete(record.id).catch(report)
      return undefined
    }
  }

  /**
   * Fetches on a miss under a Web Lock named after the version, so tabs of one origin fetch
   * it once. The cache is read again inside the lock: another tab may have fetched and
   * cached it since the first read, whether or not this tab had to wait.
   */
  async function fetchOnce(record: ImageRecord, load: Load): Promise<Resolved> {
    if (!locks) return fetchImage(record, load, true)
    const name = `${lockPrefix}${encodeURIComponent(record.id)}/${record.token}`
    // The DOM typings see the callback's promise as the result; the lock manager awaits it.
    // An abort rejects it, but the flight's race has rejected with the reason already.
    return (await locks.request(name, { signal: load.signal }, async () => {
      load.signal.throwIfAborted()
      return (await readCache(record)) ?? (await fetchImage(record, load, true))
    })) as Resolved
  }

  async function loadImage(record: ImageRecord, load: Load): Promise<Resolved> {
    // An aborted load stops at the lock or the fetch slot, before any request.
    return (await readCache(record)) ?? fetchOnce(record, load)
  }

  /** Joins (or starts) the flight for a record; `pick` maps its result for this caller. */
  function join<T>(
    record: ImageRecord,
    options: GetImageOptions,
    pick: (flight: Flight) => Promise<T>,
  ): Promise<T> {
    try {
      checkRecord(record)
    } catch (error) {
      return Promise.reject(error)
    }
    const key = versionKey(record)
    let flight = inflight.get(key)
    if (!flight) {
      const controller = new AbortController()
      const load: Load = {
        context: options.context,
        signal: controller.signal,
        listeners: new Set(),
        uncacheable: false,
      }
      const created: Flight = {
        id: record.id,
        // Raced with its own signal: once aborted (every caller left, or a clear), no caller
        // gets what it loads.
        promise: raceSignal(loadImage(record, load), controller.signal),
        controller,
        callers: 0,
        load,
      }
      const settle = () => {
        if (inflight.get(key) === created) inflight.delete(key)
      }
      created.promise.then(settle, settle)
      inflight.set(key, created)
      flight = created
    }
    const joined = flight
    joined.callers++
    const { onProgress } = options
    if (onProgress) joined.load.listeners.add(onProgress)
    // Called once: on this caller's answer, or on its abort (the race then drops its answer).
    const leave = () => {
      if (onProgress) joined.load.listeners.delete(onProgress)
      if (--joined.callers === 0 && inflight.get(key) === joined) {
        inflight.delete(key)
        // Stryker disable next-line StringLiteral: no caller is left to read the message
        joined.controller.abort(new PixstoreError('aborted', 'Every caller left'))
      }
    }
    const result = raceSignal(pick(joined), options.signal, leave)
    result.then(leave, () => undefined)
    return result
  }

  function getImage(record: ImageRecord, options: GetImageOptions = {}): Promise<Blob> {
    // One Blob per flight: every caller of the same version shares it.
    return join(
      record,
      options,
      (flight) =>
        (flight.blob ??= flight.promise.then(
          ({ image }) => new Blob([image.bytes], { type: image.mimeType }),
        )),
    )
  }

  function getEncrypted(record: ImageRecord, options: GetImageOptions = {}): Promise<EncryptedVersion> {
    return join(record, options, (flight) =>
      flight.promise.then(({ token, encrypted, meta, mimeType }) => ({ token, encrypted, meta, mimeType })),
    )
  }

  return {
    store,
    getImage,
    getEncrypted,
    async prefetch(records, options = {}) {
      await Promise.all(
        records.map(async (record) => {
          try {
            // The shared load: one cache read, a fetch only on a miss, and no Blob.
            await join(record, options, (flight) => flight.promise)
          } catch (error) {
            report(error)
          }
        }),
      )
    },
    deleteCachedImage(id) {
      for (const flight of inflight.values()) if (flight.id === id) flight.load.uncacheable = true
      return store.delete(id)
    },
    cachedImageExists: (id) => store.has(id),
    clear() {
      const cleared = new PixstoreError('aborted', 'The image cache was cleared')
      for (const flight of inflight.values()) flight.controller.abort(cleared)
      inflight.clear()
      emit({ type: 'clear', ids: [] })
      return store.clear()
    },
    stats: () => store.stats(),
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    close: () => store.close(),
  }
}
