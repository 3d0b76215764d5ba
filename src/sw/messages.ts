import type { ImageDecryptionMeta, ImageSource, PixstoreErrorCode } from '../core/index.js'

/** Message types on the BroadcastChannel between page bridges and the worker. */
export const SW_MESSAGE = {
  /** worker → pages: send ciphertext and meta for `{ id, token }`. */
  IMAGE_REQUEST: 'pixstore:image-request',
  /** page → worker: the answer to an image request. */
  IMAGE_RESPONSE: 'pixstore:image-response',
  /** worker → pages: send only the meta (the worker restarted and lost its keys). */
  KEY_REQUEST: 'pixstore:key-request',
  /** page → worker: the answer to a key request. */
  KEY_RESPONSE: 'pixstore:key-response',
  /** page → worker: drop these ids from Cache Storage and memory. */
  EVICT: 'pixstore:evict',
  /** page → worker and other pages: drop every key and record held (Cache Storage is deleted by the page). */
  CLEAR: 'pixstore:clear',
  /**
   * worker → pages: the clear `clearId` reached the worker; what it is asked from now on is
   * the new session's. The page that cleared waits for it before its `clear()` resolves.
   */
  CLEARED: 'pixstore:cleared',
  /** page → worker: a bridge started; questions posted before it existed are asked again. */
  BRIDGE_READY: 'pixstore:bridge-ready',
  /**
   * worker → the page whose `<img>`s asked (posted to that client, not on the channel): the
   * images the worker answered from its own memory or Cache Storage, for the page's metrics.
   */
  SERVED: 'pixstore:served',
} as const

/** Any message type of the worker protocol. */
export type SwMessageType = (typeof SW_MESSAGE)[keyof typeof SW_MESSAGE]

/** Default BroadcastChannel name. */
export const SW_CHANNEL = 'pixstore'

/** Default URL of the worker script, served from the site root so its scope covers the app. */
export const SW_SCRIPT_URL = '/pixstore-sw.js'

/** Default path prefix of worker image URLs: `/_img/{id}?t={token}`. */
export const SW_PREFIX = '/_img'

/** Cache Storage name of the worker, versioned; other `pixstore-` caches are deleted on activate. */
export const SW_CACHE_NAME = 'pixstore-images-v1'

export interface ImageRequestMessage {
  type: typeof SW_MESSAGE.IMAGE_REQUEST
  requestId: string
  id: string
  token: number
}

export interface KeyRequestMessage {
  type: typeof SW_MESSAGE.KEY_REQUEST
  requestId: string
  id: string
  token: number
}

/** A failed answer carries the error code only. */
export interface FailedResponse {
  requestId: string
  ok: false
  code: PixstoreErrorCode
}

export type ImageResponseMessage = { type: typeof SW_MESSAGE.IMAGE_RESPONSE } & (
  | {
      requestId: string
      ok: true
      token: number
      encrypted: Uint8Array<ArrayBuffer>
      meta: ImageDecryptionMeta
    }
  | FailedResponse
)

export type KeyResponseMessage = { type: typeof SW_MESSAGE.KEY_RESPONSE } & (
  { requestId: string; ok: true; meta: ImageDecryptionMeta } | FailedResponse
)

export interface EvictMessage {
  type: typeof SW_MESSAGE.EVICT
  ids: string[]
}

export interface ClearMessage {
  type: typeof SW_MESSAGE.CLEAR
  /** Set by the page that cleared: the worker confirms it with `CLEARED`. */
  clearId?: string
}

export interface ClearedMessage {
  type: typeof SW_MESSAGE.CLEARED
  clearId: string
}

export interface BridgeReadyMessage {
  type: typeof SW_MESSAGE.BRIDGE_READY
}

/** One image the worker answered alone: ids, sizes and times only, as every metrics event. */
export interface ServedReport {
  id: string
  token: number
  source: Extract<ImageSource, 'worker-memory' | 'cache-storage'>
  /** Size of the image answered. */
  bytes: number
  /** Milliseconds from the request to the answer, in the worker. */
  ms: number
}

/** What the worker answered for one page, sent together (one message per burst, not per image). */
export interface ServedMessage {
  type: typeof SW_MESSAGE.SERVED
  images: ServedReport[]
}

/** Every message of the protocol. */
export type SwMessage =
  | ImageRequestMessage
  | KeyRequestMessage
  | ImageResponseMessage
  | KeyResponseMessage
  | EvictMessage
  | ClearMessage
  | ClearedMessage
  | BridgeReadyMessage
  | ServedMessage
