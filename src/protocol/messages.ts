import type {
  EndpointOptions,
  ImageDecryptionMeta,
  ImageFormat,
  ImageRecord,
  ImageSource,
  ImageStoreOptions,
  PixstoreErrorCode,
} from '../core/index.js'

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
  /**
   * page → the controlling worker (`postMessage`, not the channel): the records of the
   * versions its `<img>`s request, one message per burst, and how the page loads them, so the
   * worker loads a miss itself (Dexie, then the network) instead of asking the page.
   */
  RECORDS: 'pixstore:records',
  /** page → worker: a bridge started; questions posted before it existed are asked again. */
  BRIDGE_READY: 'pixstore:bridge-ready',
  /**
   * worker → the page whose `<img>`s asked (posted to that client, not on the channel): the
   * images the worker answered from its own memory or Cache Storage, for the page's metrics.
   */
  SERVED: 'pixstore:served',
  /**
   * page → the controlling worker (`postMessage`, with a `MessagePort`): is the kit's handler
   * in this worker? Answered with the same message on the port; a worker without it (an app's
   * own that left the kit out) answers nothing, and the page shows object URLs.
   */
  PING: 'pixstore:ping',
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
  /** Posted by a page to the worker itself: the page's clear epoch after it (`ImageUrlPage`). */
  epoch?: number
}

export interface ClearedMessage {
  type: typeof SW_MESSAGE.CLEARED
  clearId: string
}

/**
 * How the pages load images, for the worker to load them the same way: the same Dexie
 * database and limits, and the default endpoint. Plain data: it crosses to the worker.
 */
export interface WorkerLoadSource {
  /** The pages' encrypted cache (`ImageStoreOptions`): the worker reads and writes the same one. */
  cache: Pick<ImageStoreOptions, 'dbName' | 'maxEntries' | 'maxBytes' | 'evictionBatch'>
  /** The default endpoint; absent when the app's fetcher is a function, which cannot cross to
   * the worker: a miss is then asked of the page. */
  endpoint?: Omit<EndpointOptions, 'fetch'>
  imageFormats?: readonly ImageFormat[]
  timeout?: number
  maxConcurrentFetches?: number
}

export interface RecordsMessage {
  type: typeof SW_MESSAGE.RECORDS
  source: WorkerLoadSource
  records: ImageRecord[]
}

export interface BridgeReadyMessage {
  type: typeof SW_MESSAGE.BRIDGE_READY
}

/**
 * One image the worker answered without the page: from its memory, its Cache Storage, or its
 * own load (Dexie, the network). Ids, sizes and times only, as every metrics event.
 */
export interface ServedReport {
  id: string
  token: number
  source: ImageSource
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

export interface PingMessage {
  type: typeof SW_MESSAGE.PING
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
  | RecordsMessage
  | ServedMessage
  | PingMessage

/** Whether a message a page posted is a `RECORDS` hand-over with its source. */
export const isRecordsMessage = (data: unknown): data is RecordsMessage =>
  (data as Partial<RecordsMessage> | null)?.type === SW_MESSAGE.RECORDS &&
  Array.isArray((data as RecordsMessage).records) &&
  typeof (data as RecordsMessage).source?.cache === 'object'

/** Whether a message is a `PING`. */
export const isPingMessage = (data: unknown): data is PingMessage =>
  (data as Partial<PingMessage> | null)?.type === SW_MESSAGE.PING

/** Whether a message is a `CLEAR`. */
export const isClearMessage = (data: unknown): data is ClearMessage =>
  (data as Partial<ClearMessage> | null)?.type === SW_MESSAGE.CLEAR
