import { bytesToBase64 } from './base64.js'
import { checkOption } from './checkOption.js'
import { checkRecord } from './checkRecord.js'
import { createEndpointFetcher } from './createEndpointFetcher.js'
import { decodeWirePayload } from './decodeWirePayload.js'
import { decryptImage, importDecryptionKey } from './decryptImage.js'
import { FetchLimiter } from './FetchLimiter.js'
import type { DownloadProgress, ImageFetcher } from './ImageFetcher.js'
import { DEFAULT_IMAGE_FORMATS } from './imageFormats.js'
import type { ImageRecord } from './ImageRecord.js'
import type { LoadedVersion } from './ImageService.js'
import type { PixstoreConfig } from './PixstoreConfig.js'
import { isPixstoreError, PixstoreError } from './PixstoreError.js'
import { raceSignal } from './raceSignal.js'
import type { LoadRequest } from './SharedLoads.js'
import { timeoutSignal } from './timeoutSignal.js'
import { WIRE_STATE_ERROR_CODES, WireState } from './WireState.js'

const fanOut =
  (listeners: Set<(progress: DownloadProgress) => void>) =>
  (progress: DownloadProgress): void =>
    listeners.forEach((listener) => listener(progress))

/**
 * The network half of the service: fetches a record's version from the backend within
 * `maxConcurrentFetches` and `timeout`, decodes the payload, asks `refreshRecord` once after
 * `invalid-proof`, and decrypts. It caches nothing; the service decides what is kept.
 */
export function createVersionFetcher(
  config: PixstoreConfig,
): (record: ImageRecord, request: LoadRequest) => Promise<LoadedVersion> {
  checkOption('timeout', config.timeout, { min: 1, integer: false })
  const timeout = config.timeout ?? 30_000
  const formats = config.imageFormats ?? DEFAULT_IMAGE_FORMATS
  const subtle = (config.crypto ?? globalThis.crypto).subtle
  const fetcher: ImageFetcher = config.fetcher ?? createEndpointFetcher(config.endpoint)
  const limiter = new FetchLimiter(config.maxConcurrentFetches ?? 6)

  async function fetchBody(record: ImageRecord, { context, signal, listeners }: LoadRequest) {
    // Waiting for a slot is not part of the timeout; a load cancelled while it waits never
    // starts (its callers have the abort already: the load's race rejected with it).
    const release = await limiter.acquire(signal)
    const bounded = timeoutSignal(signal, timeout, `image ${record.id}`)
    try {
      const body = await raceSignal(
        fetcher(record, context, bounded.signal, listeners.size ? fanOut(listeners) : undefined).catch(
          (error: unknown) => {
            // An abort or a timeout never gets here: the race has already rejected with it.
            // A custom fetcher's own failure (a rejected fetch, a socket error) is a network error.
            throw isPixstoreError(error)
              ? error
              : new PixstoreError('network', `Fetching image ${record.id} failed`, { cause: error })
          },
        ),
        bounded.signal,
      )
      if (body instanceof ArrayBuffer) return new Uint8Array(body)
      if (body instanceof Uint8Array) return body
      throw new PixstoreError('bad-payload', 'The fetcher returned neither Uint8Array nor ArrayBuffer')
    } finally {
      release()
      bounded.done()
    }
  }

  /** The app's `refreshRecord`, bounded by the timeout and the load's signal, its failures typed. */
  async function refresh(id: string, signal: AbortSignal): Promise<ImageRecord> {
    const bounded = timeoutSignal(signal, timeout, `refreshRecord('${id}')`)
    const asked = Promise.resolve().then(() => config.refreshRecord!(id))
    try {
      // Stryker disable next-line ArrowFunction: stops a timer and a listener nothing depends on any more, only sooner
      const fresh = await raceSignal(asked, bounded.signal).finally(() => bounded.done())
      checkRecord(fresh)
      return fresh
    } catch (error) {
      if (isPixstoreError(error)) throw error
      throw new PixstoreError('invalid-proof', `refreshRecord('${id}') failed`, { cause: error })
    }
  }

  return async function fetchVersion(
    record: ImageRecord,
    request: LoadRequest,
    mayRefresh = true,
  ): Promise<LoadedVersion> {
    const payload = decodeWirePayload(await fetchBody(record, request))
    if (payload.state !== WireState.Success && payload.state !== WireState.Updated) {
      const code = WIRE_STATE_ERROR_CODES[payload.state]
      if (code === 'invalid-proof' && mayRefresh && config.refreshRecord) {
        return fetchVersion(await refresh(record.id, request.signal), request, false)
      }
      throw new PixstoreError(code, `The backend answered ${code} for image ${record.id}`)
    }
    const updated = payload.state === WireState.Updated
    const meta = updated
      ? { key: bytesToBase64(payload.key), iv: bytesToBase64(payload.iv), tag: bytesToBase64(payload.tag) }
      : record.meta
    const image = await decryptImage(
      payload.encrypted,
      await importDecryptionKey(meta, subtle),
      formats,
      subtle,
    )
    return {
      image,
      token: updated ? payload.token : record.token,
      encrypted: payload.encrypted,
      meta,
      mimeType: image.mimeType,
      source: 'network',
    }
  }
}
