import type { EndpointOptions } from './createEndpointFetcher.js'
import type { ImageFetcher } from './ImageFetcher.js'
import type { ImageFormat } from './imageFormats.js'
import type { ImageEvent } from './ImageMetrics.js'
import type { ImageRecord } from './ImageRecord.js'
import type { ImageStoreOptions } from './ImageStoreOptions.js'
import type { PixstoreError } from './PixstoreError.js'
import type { ScheduleTask } from './TaskPacer.js'

/** Configuration of one image service. Every side effect can be passed in. */
export interface PixstoreConfig {
  /** The pixstore default endpoint. Ignored when `fetcher` is set. @default same origin, '/pixstore-image' */
  endpoint?: EndpointOptions
  /** Replaces the default endpoint fetcher. */
  fetcher?: ImageFetcher
  /** Must match the backend's list; the format byte indexes it. @default ['png','webp','jpg','jpeg'] */
  imageFormats?: readonly ImageFormat[]
  /** The encrypted cache: database name, limits, eviction. @default see `ImageStoreOptions` */
  cache?: Omit<ImageStoreOptions, 'now'>
  /**
   * Requests to the backend at once; the rest wait in order, and one cancelled while it
   * waits is never sent. @default 6
   */
  maxConcurrentFetches?: number
  /**
   * Loaded images handed to their callers in one task; the others wait for the next tasks,
   * so the browser loads and paints the first images while the rest are made ready. A
   * caller that leaves while its image waits is skipped. @default 4
   */
  imagesPerTask?: number
  /** Posts the tasks of `imagesPerTask`. @default `scheduler.postTask` where it exists, else a `MessageChannel` message */
  scheduleTask?: ScheduleTask
  /** Milliseconds before a fetch fails with `timeout` (waiting for a slot not included). @default 30000 */
  timeout?: number
  /**
   * Gets a fresh record (new proof) after `invalid-proof`; the request is tried once more.
   * Bounded by `timeout` and the caller's signal; a failure is a `PixstoreError`
   * (`invalid-proof` with the app's error as `cause`, or `timeout`).
   */
  refreshRecord?: (id: string) => Promise<ImageRecord>
  /**
   * Web Locks, so that tabs of one origin fetch each image version once: a tab that misses
   * the cache while another fetches the same version waits, then reads it from the cache.
   * `false` turns this off. @default navigator.locks where it exists
   */
  locks?: LockManager | false
  /** Receives failures that do not fail a request, such as a cache write refused. */
  onError?: (error: PixstoreError) => void
  /**
   * Receives every request as it settles: where the image came from, its ciphertext bytes
   * and the time to it, or the error's code; ids and tokens, never a key or image bytes.
   * For an app's own monitoring (`metrics()` keeps the counts). @default none
   */
  onEvent?: (event: ImageEvent) => void
  /**
   * Hands each fetched image out as soon as it is decrypted, its write to the cache going on
   * under this hook: a service worker passes something that keeps it alive until the
   * promise settles (it never rejects). Without it an image waits for its write, so a page
   * closed or reloaded as soon as its images show keeps them cached. @default none
   */
  waitUntil?: (write: Promise<void>) => void
  /** Clock. @default Date.now */
  now?: () => number
  /** WebCrypto. @default globalThis.crypto */
  crypto?: Crypto
}
