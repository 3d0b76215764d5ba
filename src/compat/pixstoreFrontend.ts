import {
  createImageService,
  PixstoreError,
  type ImageFetcher,
  type ImageFormat,
  type ImageRecord,
  type ImageService,
} from '../core/index.js'

/** pixstore 3's error handling modes. */
export type ErrorHandlingMode = 'hybrid' | 'throw' | 'warn' | 'silent' | 'custom'

/** pixstore 3's frontend config keys, all optional as in `initPixstoreFrontend`. */
export interface PixstoreFrontendConfig {
  /** Host of the default endpoint. @default the page's host (same origin) */
  defaultEndpointConnectHost?: string
  /** Port of the default endpoint. @default 3001 when a host is given */
  defaultEndpointConnectPort?: number
  /** Route of the default endpoint. @default '/pixstore-image' */
  defaultEndpointRoute?: string
  /** IndexedDB database name. @default 'pixstore' */
  frontendDbName?: string
  /** Most cached images. @default 1000 */
  frontendImageCacheLimit?: number
  /** Images evicted beyond the limit at once; must be below the limit. @default 50 */
  frontendCleanupBatch?: number
  /** Must match the backend. @default ['png','webp','jpg','jpeg'] */
  imageFormats?: readonly ImageFormat[]
  /** What a failing call does. @default 'hybrid' (warn and resolve null for PixstoreError, throw others) */
  errorHandlingMode?: ErrorHandlingMode
  /** Receives every error in `'custom'` mode. */
  customErrorHandler?: (error: unknown) => void
  /** Scheme of the endpoint when a host is given. @default the page's scheme, else 'http:' */
  defaultEndpointProtocol?: 'http:' | 'https:'
}

/** pixstore 3's fetcher shape: `(record, context) => Promise<Uint8Array>`. */
export type PixstoreFrontendFetcher = (record: ImageRecord, context?: unknown) => Promise<Uint8Array>

let service: ImageService | undefined
let settings: PixstoreFrontendConfig = {}

function validate(config: PixstoreFrontendConfig): void {
  const limit = config.frontendImageCacheLimit ?? 1000
  const batch = config.frontendCleanupBatch ?? 50
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error('frontendImageCacheLimit must be a positive integer')
  if (batch >= limit) throw new Error('frontendCleanupBatch must be smaller than frontendImageCacheLimit')
  const port = config.defaultEndpointConnectPort
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new Error('defaultEndpointConnectPort must be an integer between 1 and 65535')
  }
}

function baseUrlOf(config: PixstoreFrontendConfig): string {
  if (!config.defaultEndpointConnectHost) return ''
  const protocol =
    config.defaultEndpointProtocol ?? (globalThis.location?.protocol === 'https:' ? 'https:' : 'http:')
  return `${protocol}//${config.defaultEndpointConnectHost}:${config.defaultEndpointConnectPort ?? 3001}`
}

function build(config: PixstoreFrontendConfig, customFetcher?: PixstoreFrontendFetcher): ImageService {
  const fetcher: ImageFetcher | undefined =
    customFetcher && ((record, context) => customFetcher(record, context))
  return createImageService({
    fetcher,
    endpoint: { baseUrl: baseUrlOf(config), route: config.defaultEndpointRoute },
    imageFormats: config.imageFormats,
    cache: {
      dbName: config.frontendDbName,
      maxEntries: config.frontendImageCacheLimit,
      evictionBatch: config.frontendCleanupBatch ?? 50,
    },
  })
}

async function handle<T>(run: (service: ImageService) => Promise<T>): Promise<T | null> {
  service ??= build(settings)
  try {
    return await run(service)
  } catch (error) {
    switch (settings.errorHandlingMode ?? 'hybrid') {
      case 'hybrid':
        if (!(error instanceof PixstoreError)) throw error
        console.warn(error)
        return null
      case 'warn':
        console.warn(error)
        return null
      case 'silent':
        return null
      case 'custom':
        if (!settings.customErrorHandler) throw new Error('Custom error handler is not set', { cause: error })
        settings.customErrorHandler(error)
        return null
      default:
        throw error
    }
  }
}

/**
 * Drop-in for `pixstore/frontend`'s `initPixstoreFrontend`: same config keys, same optional
 * custom fetcher. Calling it again replaces the previous configuration.
 */
export function initPixstoreFrontend(
  config: PixstoreFrontendConfig = {},
  customFetcher?: PixstoreFrontendFetcher,
): void {
  validate(config)
  const previous = service
  settings = { ...config }
  service = build(settings, customFetcher)
  void previous?.close()
}

/** Drop-in for pixstore 3's `getImage`: the decrypted Blob, or `null` per `errorHandlingMode`. */
export function getImage(record: ImageRecord, context?: unknown): Promise<Blob | null> {
  return handle((s) => s.getImage(record, { context }))
}

/** Drop-in for pixstore 3's `deleteCachedImage`. */
export function deleteCachedImage(id: string): Promise<void | null> {
  return handle((s) => s.deleteCachedImage(id))
}

/** Drop-in for pixstore 3's `cachedImageExists`. */
export function cachedImageExists(id: string): Promise<boolean | null> {
  return handle((s) => s.cachedImageExists(id))
}
