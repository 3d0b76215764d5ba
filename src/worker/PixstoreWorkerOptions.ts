import type { ImageService } from '../core/index.js'
import type { WorkerLoadSource, WorkerScriptOptions } from '../protocol/index.js'
import type { WorkerClients } from './ServedReports.js'

/** Options of the worker: the plain ones (`WorkerScriptOptions`) and the services it uses, each injectable. */
export interface PixstoreWorkerOptions extends WorkerScriptOptions {
  /** Cache Storage to use. @default globalThis.caches */
  caches?: CacheStorage
  /** Origin whose `GET {prefix}/...` requests are handled. @default globalThis.location.origin */
  origin?: string
  /** WebCrypto for decryption and request ids. @default globalThis.crypto */
  crypto?: Crypto
  /** The pages, told which layer answered their images (`SERVED`). @default globalThis.clients */
  clients?: WorkerClients
  /**
   * Makes the image service that loads a miss the way a page's `source` says (its Dexie
   * database, its endpoint). Pass `waitUntil` on as the service's `PixstoreConfig.waitUntil`:
   * each image is then answered as soon as it is decrypted, and the worker lives until its
   * write lands. @default createImageService over the source's options, with `waitUntil`
   */
  createService?: (source: WorkerLoadSource, waitUntil: (write: Promise<void>) => void) => ImageService
  /** Clock of the time to each answer, in ms. @default performance.now */
  now?: () => number
}
