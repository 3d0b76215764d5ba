import { bytesToBase64 } from './base64.js'
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
  /** Removes one image from the cache. */
  deleteCachedImage(id: string): Promise<void>
  /** Whether an image (any token) is cached. */
  cachedImageExists(id: string): Promise<boolean>
  /** Empties the cache. */
  clear(): Promise<void>
  /** Entries and ciphertext bytes in the cache. */
  stats(): Promise<ImageStoreStats>
  /** Listens to entries leaving the cache. */
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

interface Flight {
  promise: Promise<Resolved>
  blob?: Promise<Blob>
  controller: AbortController
  callers: number
  listeners: Set<(progress: DownloadProgress) => void>
}

/** What one shared load carries down to the fetcher. */
interface Load {
  context: unknown
  signal: AbortSignal
  /** Callers' progress listeners; without any, the fetcher is not asked to stream. */
  listeners: Set<(progress: DownloadProgress) => void>
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
  onAbort?: () => void,
): Promise<T> {
  if (!signal) return promise
  if (signal.aborted) {
    onAbort?.()
    return Promise.reject(abortError(signal))
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort?.()
      reject(abortError(signal))
    }
    signal.addEventListener('abort', abort, { once: true })
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
 * connection, in-flight table and fetcher; nothing is shared through module state.
 */
export function createImageService(config: PixstoreConfig = {}): ImageService {
  const formats = config.imageFormats ?? DEFAULT_IMAGE_FORMATS
  const subtle = (config.crypto ?? globalThis.crypto).subtle
  const timeout = config.timeout ?? 30_000
  const fetcher: ImageFetcher = config.fetcher ?? createEndpointFetcher(config.endpoint)
  const store = new ImageStore({ ...config.cache, now: config.now })
  const inflight = new Map<string, Flight>()
  const limiter = new FetchLimiter(config.maxConcurrentFetches ?? 6)
  const report = (error: unknown) => {
    if (isPixstoreError(error)) config.onError?.(error)
    else config.onError?.(new PixstoreError('storage', 'Cache operation failed', { cause: error }))
  }

  async function fetchBody(record: ImageRecord, { context, signal, listeners }: Load): Promise<Uint8Array> {
    // Waiting for a slot is not part of the timeout; a load cancelled while it waits never starts.
    const release = await limiter.acquire(signal).catch(() => {
      throw abortError(signal)
    })
    const controller = new AbortController()
    const timer = setTimeout(
      () =>
        controller.abort(new PixstoreError('timeout', `No answer for image ${record.id} in ${timeout} ms`)),
      timeout,
    )
    const onAbort = () => controller.abort(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      const body = await raceSignal(
        fetcher(record, context, controller.signal, listeners.size ? fanOut(listeners) : undefined).catch(
          (error: unknown) => {
            if (controller.signal.aborted) throw abortError(controller.signal)
            // A custom fetcher's own failure (a rejected fetch, a socket error) is a network error.
            throw isPixstoreError(error)
              ? error
              : new PixstoreError('network', `Fetching image ${record.id} failed`, { cause: error })
          },
        ),
        controller.signal,
      )
      if (body instanceof ArrayBuffer) return new Uint8Array(body)
      if (body instanceof Uint8Array) return body
      throw new PixstoreError('bad-payload', 'The fetcher returned neither Uint8Array nor ArrayBuffer')
    } finally {
      release()
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
    }
  }

  async function fetchImage(record: ImageRecord, load: Load, mayRefresh: boolean): Promise<Resolved> {
    const payload = decodeWirePayload(await fetchBody(record, load))
    if (payload.state !== WireState.Success && payload.state !== WireState.Updated) {
      const code = WIRE_STATE_ERROR_CODES[payload.state]
      if (code === 'invalid-proof' && mayRefresh && config.refreshRecord) {
        const fresh = await config.refreshRecord(record.id)
        return loadImage(fresh, load, false)
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
    // Cached only now that it decrypted; a refused write costs the cache, not the image.
    await store.put({ id: record.id, token, encrypted: payload.encrypted }).catch(report)
    return { image, token, encrypted: payload.encrypted, meta, mimeType: image.mimeType }
  }

  async function loadImage(record: ImageRecord, load: Load, mayRefresh: boolean): Promise<Resolved> {
    checkRecord(record)
    const cached = await store.get(record.id).catch((error: unknown) => void report(error))
    if (cached && cached.token === record.token) {
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
      } catch (error) {
        if (!isPixstoreError(error)) throw error
        // A poisoned entry is dropped and the image fetched once more.
        await store.delete(record.id).catch(report)
      }
    }
    load.signal.throwIfAborted()
    return fetchImage(record, load, mayRefresh)
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
    const key = `${record.id}\u0000${record.token}`
    let flight = inflight.get(key)
    if (!flight) {
      const controller = new AbortController()
      const listeners = new Set<(progress: DownloadProgress) => void>()
      const load: Load = { context: options.context, signal: controller.signal, listeners }
      const promise = loadImage(record, load, true).catch((error: unknown) => {
        throw controller.signal.aborted ? abortError(controller.signal) : error
      })
      const created: Flight = { promise, controller, callers: 0, listeners }
      const settle = () => {
        if (inflight.get(key) === created) inflight.delete(key)
      }
      promise.then(settle, settle)
      inflight.set(key, created)
      flight = created
    }
    const joined = flight
    joined.callers++
    const { onProgress } = options
    if (onProgress) joined.listeners.add(onProgress)
    let left = false
    const leave = () => {
      if (left) return
      left = true
      if (onProgress) joined.listeners.delete(onProgress)
      if (--joined.callers === 0 && inflight.get(key) === joined) {
        inflight.delete(key)
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
    deleteCachedImage: (id) => store.delete(id),
    cachedImageExists: (id) => store.has(id),
    clear: () => store.clear(),
    stats: () => store.stats(),
    subscribe: (listener) => store.subscribe(listener),
    close: () => store.close(),
  }
}
