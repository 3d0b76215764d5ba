export * from './react/index.js'
// What an app uses: the React layer, the client and the observer it may drive without React,
// the worker's registration, errors and the types these take. The layers' other exports
// are the kit's own (src/client, src/window), not a promise to apps.
export { PixstoreClient, ImageObserver, bindImageQueries } from './client/index.js'
export type {
  PixstoreClientOptions,
  ImageObserverOptions,
  ImageObserverResult,
  ImageData,
  LoadFull,
} from './client/index.js'
export { registerPixstoreWorker } from './window/index.js'
export type { WorkerStatus, RegisterPixstoreWorkerOptions, PixstoreWorkerHandle } from './window/index.js'
export { PixstoreError, isPixstoreError, createImageService, DEFAULT_IMAGE_FORMATS } from './core/index.js'
export type {
  PixstoreErrorCode,
  ImageRecord,
  ImageDecryptionMeta,
  ImageFetcher,
  ImageFormat,
  PixstoreConfig,
  ImageService,
  GetImageOptions,
  ImageStoreStats,
  ImageEvent,
  ImageSource,
  ImageMetricsSnapshot,
} from './core/index.js'
