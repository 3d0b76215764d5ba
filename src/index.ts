export * from './react/index.js'
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
} from './core/index.js'
