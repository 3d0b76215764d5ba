export { initPixstoreFrontend, getImage, deleteCachedImage, cachedImageExists } from './pixstoreFrontend.js'
export type {
  PixstoreFrontendConfig,
  PixstoreFrontendFetcher,
  ErrorHandlingMode,
} from './pixstoreFrontend.js'
