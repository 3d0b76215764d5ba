export {
  PixstoreError,
  isPixstoreError,
  createImageService,
  DEFAULT_IMAGE_FORMATS,
} from './core'
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
} from './core'
