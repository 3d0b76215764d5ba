// How the worker answers an image request: the image, or a status the page's <img> falls back on.
import type { PixstoreErrorCode } from '../core/index.js'
import type { ServedImage } from './ImageResolver.js'

const STATUS_OF: Partial<Record<PixstoreErrorCode, number>> = {
  'not-found': 404,
  'missing-proof': 403,
  'invalid-proof': 403,
  timeout: 504,
  aborted: 504,
}

/**
 * Headers of every answer: an image opened in a tab (an SVG, say) is a document of the app's
 * origin, so it gets no script, no requests and an origin of its own, and no answer is sniffed
 * into a type that runs.
 */
const SAFE_ANSWER_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "sandbox; default-src 'none'; style-src 'unsafe-inline'",
} as const

/** The image, its Blob body handed to the page by reference; the browser may keep it for the document. */
export function imageResponse({ blob }: ServedImage): Response {
  return new Response(blob, {
    headers: {
      ...SAFE_ANSWER_HEADERS,
      'Content-Type': blob.type,
      'Cache-Control': 'private, immutable',
      'Content-Length': String(blob.size),
    },
  })
}

/** A text answer never cached: a bad request or a failure. */
export function textResponse(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { ...SAFE_ANSWER_HEADERS, 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' },
  })
}

/** The answer to a request that failed with `code`: its HTTP status (502 for the rest). */
export function failedResponse(code: PixstoreErrorCode): Response {
  return textResponse(STATUS_OF[code] ?? 502, `Image unavailable: ${code}`)
}
