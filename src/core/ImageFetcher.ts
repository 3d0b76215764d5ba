import type { ImageRecord } from './ImageRecord.js'

/**
 * Gets the raw pixstore 3 response body for a record. `context` is whatever the caller
 * passed to `getImage`; `signal` aborts on cancel and on timeout. pixstore 3's own
 * `(record, context) => Promise<Uint8Array>` fetchers fit this type unchanged.
 */
export type ImageFetcher = (
  record: ImageRecord,
  context: unknown,
  signal: AbortSignal,
) => Promise<Uint8Array | ArrayBuffer>
