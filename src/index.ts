export * from './react/index.js'
export {
  PixstoreClient,
  ImageObserver,
  ImageQueryObserver,
  bindImageQueries,
  imageQueryKey,
} from './client/index.js'
export type {
  PixstoreClientOptions,
  ImageObserverOptions,
  ImageObserverResult,
  ImageQueryObserverOptions,
  ImageQueryResult,
  ImageData,
  LoadFull,
} from './client/index.js'
export {
  registerPixstoreWorker,
  workerScriptUrl,
  WorkerBridge,
  imageUrl,
  SW_MESSAGE,
  SW_PREFIX,
  SW_CACHE_NAME,
} from './sw/index.js'
export type {
  WorkerStatus,
  RegisterPixstoreWorkerOptions,
  PixstoreWorkerHandle,
  WorkerBridgeOptions,
  SwMessage,
} from './sw/index.js'
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
