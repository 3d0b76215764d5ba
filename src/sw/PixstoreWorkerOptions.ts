import type { ImageFormat, ImageService } from '../core/index.js'
import type { WorkerLoadSource } from './messages.js'
import type { WorkerClients } from './ServedReports.js'

/** Options of the worker; the worker script reads them from its own URL's query. */
export interface PixstoreWorkerOptions {
  /** Path prefix of image URLs. @default '/_img' */
  prefix?: string
  /** BroadcastChannel name shared with the page bridges. @default 'pixstore' */
  channel?: string
  /** Milliseconds to wait for a page (its answer, or the record it hands over) before answering 504. @default 5000 */
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
  /** The pages, told which layer answered their images (`SERVED`). @default globalThis.clients */
  clients?: WorkerClients
  /** Makes the image service that loads a miss the way a page's `source` says (its Dexie
   * database, its endpoint). @default createImageService over the source's options */
  createService?: (source: WorkerLoadSource) => ImageService
  /** Clock of the time to each answer, in ms. @default performance.now */
  now?: () => number
}
