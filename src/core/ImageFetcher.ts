import type { ImageRecord } from './ImageRecord.js'

/** Bytes of a body received so far, and its length when the response declared one. */
export interface DownloadProgress {
  received: number
  total: number | undefined
}

/**
 * Gets the raw pixstore 3 response body for a record. `context` is whatever the caller
 * passed to `getImage`; `signal` aborts on cancel and on timeout; a fetcher that streams
 * may report `onProgress`. pixstore 3's own `(record, context) => Promise<Uint8Array>`
 * fetchers fit this type unchanged.
 */
export type ImageFetcher = (
  record: ImageRecord,
  context: unknown,
  signal: AbortSignal,
  onProgress?: (progress: DownloadProgress) => void,
) => Promise<Uint8Array | ArrayBuffer>
