import type { DecryptedImage } from './decryptImage.js'
import type { DownloadProgress } from './ImageFetcher.js'
import type { ImageDecryptionMeta, ImageRecord } from './ImageRecord.js'
import type { ImageEvent, ImageMetricsSnapshot, ImageSource } from './ImageMetrics.js'
import type { ImageStoreChange, ImageStoreEntry, ImageStoreStats } from './ImageStoreOptions.js'

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
  /**
   * `stats()` made of Dexie calls only, for `liveQuery` and `useLiveQuery`, which run it
   * again whenever the cache changes.
   */
  liveStats(): Promise<ImageStoreStats>
  /**
   * The `limit` most recently used cache entries (id, token, bytes, lastUsed; never the
   * ciphertext), newest first; like `liveStats()`, made for `liveQuery`. @default limit 50
   */
  liveEntries(limit?: number): Promise<ImageStoreEntry[]>
  /**
   * Writes now what waits for a timer: queued cache writes and the pending `lastUsed`
   * updates (kept for `touchDelay` to share a transaction).
   */
  flush(): Promise<void>
  /**
   * Requests answered per layer (the worker's memory and Cache Storage as reported to it, the
   * encrypted cache, the network), their bytes and time, the hit rate and the last errors;
   * the same object until the next request settles.
   */
  metrics(): ImageMetricsSnapshot
  /**
   * Counts a request answered outside the service (the worker's memory or Cache Storage) in
   * `metrics()` and passes it to `onEvent`, as the service's own.
   */
  recordEvent(event: ImageEvent): void
  /** Listens to changes of `metrics()`. */
  subscribeMetrics(listener: () => void): () => void
  /**
   * Resolves once no image load is in flight: every load started has handed its image over,
   * failed or been aborted (at once when none runs). Rejects with `aborted` if `signal`
   * aborts first. Work that can wait, such as handing images to the worker, waits for it.
   */
  whenIdle(signal?: AbortSignal): Promise<void>
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
  /** Where it was found. */
  source: Extract<ImageSource, 'dexie' | 'network'>
}

/** A version loaded for the service's callers: what `getEncrypted` gives, and the image. */
export interface LoadedVersion extends EncryptedVersion {
  image: DecryptedImage
}
