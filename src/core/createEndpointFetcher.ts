import type { DownloadProgress, ImageFetcher } from './ImageFetcher.js'
import { PixstoreError } from './PixstoreError.js'

/** Where the pixstore 3 default endpoint lives. */
export interface EndpointOptions {
  /** Origin and path prefix, e.g. `https://api.example.com`. @default '' (same origin) */
  baseUrl?: string
  /** Route of the image endpoint. @default '/pixstore-image' */
  route?: string
  /** Extra request headers (e.g. `Authorization`). @default {} */
  headers?: Record<string, string>
  /** `fetch` to use. @default globalThis.fetch */
  fetch?: typeof fetch
}

/**
 * The default fetcher: `GET {baseUrl}{route}/{encodeURIComponent(id)}` with
 * `x-pixstore-proof` and `x-pixstore-token`. A failed request is `network`, a non-2xx
 * answer is `http-status`; an aborted one rethrows the abort for the caller to classify.
 *
 * Requests are `cache: 'no-store'`: an `Updated` answer holds the image's key, so the
 * browser's HTTP cache must neither keep it nor answer one token with another's body (the
 * token travels in a header and pixstore 3's endpoint sends no `Vary`).
 */
export function createEndpointFetcher(options: EndpointOptions = {}): ImageFetcher {
  const { baseUrl = '', route = '/pixstore-image', headers = {} } = options
  const prefix = baseUrl.replace(/\/+$/, '') + route
  return async (record, _context, signal, onProgress) => {
    const doFetch = options.fetch ?? globalThis.fetch
    const requestHeaders: Record<string, string> = { ...headers, 'x-pixstore-token': String(record.token) }
    if (record.statelessProof) requestHeaders['x-pixstore-proof'] = record.statelessProof
    let response: Response
    try {
      response = await doFetch(`${prefix}/${encodeURIComponent(record.id)}`, {
        method: 'GET',
        headers: requestHeaders,
        signal,
        credentials: 'same-origin',
        cache: 'no-store',
      })
    } catch (cause) {
      if (signal.aborted) throw cause
      throw new PixstoreError('network', `Request for image ${record.id} failed`, { cause })
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined)
      throw new PixstoreError('http-status', `Image endpoint answered ${response.status}`, {
        status: response.status,
      })
    }
    try {
      return onProgress && response.body
        ? await readWithProgress(response, onProgress)
        : new Uint8Array(await response.arrayBuffer())
    } catch (cause) {
      if (signal.aborted) throw cause
      throw new PixstoreError('network', `Reading image ${record.id} failed`, { cause })
    }
  }
}

/** Reads a body chunk by chunk, reporting bytes received against the declared length. */
async function readWithProgress(
  response: Response,
  onProgress: (progress: DownloadProgress) => void,
): Promise<Uint8Array<ArrayBuffer>> {
  const length = Number(response.headers.get('content-length'))
  const total = Number.isSafeInteger(length) && length > 0 ? length : undefined
  const reader = response.body!.getReader()
  const chunks: Uint8Array[] = []
  let received = 0
  onProgress({ received, total })
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    received += value.length
    onProgress({ received, total })
  }
  const body = new Uint8Array(received)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.length
  }
  return body
}
