import {
  IV_BYTES,
  KEY_BYTES,
  PixstoreError,
  TAG_BYTES,
  TOKEN_BYTES,
  UPDATED_HEADER_BYTES,
  WireState,
  type WirePayload,
} from '../core/internal.js'

/**
 * Encodes a payload exactly as a pixstore 3 backend would send it. Used by fixture
 * backends, stories and tests; the inverse of `decodeWirePayload`.
 */
export function encodeWirePayload(payload: WirePayload): Uint8Array<ArrayBuffer> {
  if (payload.state === WireState.Success) {
    const body = new Uint8Array(1 + payload.encrypted.length)
    body.set(payload.encrypted, 1)
    return body
  }
  if (payload.state === WireState.Updated) {
    const { token, key, iv, tag, encrypted } = payload
    if (key.length !== KEY_BYTES || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new PixstoreError('bad-payload', 'Key, iv or tag has the wrong length')
    }
    if (!Number.isSafeInteger(token) || token < 0) {
      throw new PixstoreError('bad-payload', 'Token must be a non-negative safe integer')
    }
    const body = new Uint8Array(UPDATED_HEADER_BYTES + encrypted.length)
    body[0] = WireState.Updated
    new DataView(body.buffer).setBigUint64(1, BigInt(token), true)
    let offset = 1 + TOKEN_BYTES
    for (const part of [key, iv, tag, encrypted]) {
      body.set(part, offset)
      offset += part.length
    }
    return body
  }
  return Uint8Array.of(payload.state)
}
