// pixstore-react/core: what code without React uses (the image service, errors, the types a
// custom fetcher, storage option or backend needs). The rest of the core is the kit's own
// (internal.ts), free to change.
export { PixstoreError, isPixstoreError } from './PixstoreError.js'
export type { PixstoreErrorCode } from './PixstoreError.js'
export { WireState, WIRE_STATE_ERROR_CODES } from './WireState.js'
export type { WireErrorState } from './WireState.js'
export { decodeWirePayload } from './decodeWirePayload.js'
export type { WirePayload } from './decodeWirePayload.js'
export { DEFAULT_IMAGE_FORMATS } from './imageFormats.js'
export type { ImageFormat } from './imageFormats.js'
export type { ImageRecord, ImageDecryptionMeta } from './ImageRecord.js'
export type { ImageFetcher, DownloadProgress } from './ImageFetcher.js'
export { createEndpointFetcher } from './createEndpointFetcher.js'
export type { EndpointOptions } from './createEndpointFetcher.js'
// A type only: it names the `cache.database` option (the kit's own tests pass one); an app
// cannot make one, so nothing writes the store behind the service's back.
export type { PixstoreDatabase, StoredImage } from './PixstoreDatabase.js'
export type {
  ImageStoreOptions,
  ImageStoreStats,
  ImageStoreChange,
  ImageStoreEntry,
} from './ImageStoreOptions.js'
export type { PixstoreConfig } from './PixstoreConfig.js'
export { createImageService } from './createImageService.js'
export type { ImageEvent, ImageSource, ImageMetricsSnapshot, SourceCount } from './ImageMetrics.js'
export type { ImageService, GetImageOptions, EncryptedVersion } from './ImageService.js'
