/** Message types on the BroadcastChannel between the page bridge and the worker. */
export const SW_MESSAGE = {
  /** worker → page: send ciphertext and meta for `{ id, token }`. */
  IMAGE_REQUEST: 'pixstore:image-request',
  /** page → worker: the answer to an image request. */
  IMAGE_RESPONSE: 'pixstore:image-response',
  /** worker → page: send only the meta (the worker restarted and lost its keys). */
  KEY_REQUEST: 'pixstore:key-request',
  /** page → worker: the answer to a key request. */
  KEY_RESPONSE: 'pixstore:key-response',
  /** page → worker: drop these ids from Cache Storage and memory. */
  EVICT: 'pixstore:evict',
  /** page → worker: drop everything. */
  CLEAR: 'pixstore:clear',
} as const

/** Any message type of the worker protocol. */
export type SwMessageType = (typeof SW_MESSAGE)[keyof typeof SW_MESSAGE]

/** Default BroadcastChannel name. */
export const SW_CHANNEL = 'pixstore'
