import { PixstoreError } from './PixstoreError.js'
import { WireState, type WireErrorState } from './WireState.js'
import { IV_BYTES, KEY_BYTES, TAG_BYTES, TOKEN_BYTES, UPDATED_HEADER_BYTES } from './wireLayout.js'

/** A decoded pixstore 3 response body. Every byte array owns its buffer. */
export type WirePayload =
  | { state: typeof WireState.Success; encrypted: Uint8Array<ArrayBuffer> }
  | {
      state: typeof WireState.Updated
      token: number
      key: Uint8Array<ArrayBuffer>
      iv: Uint8Array<ArrayBuffer>
      tag: Uint8Array<ArrayBuffer>
      encrypted: Uint8Array<ArrayBuffer>
    }
  | { state: WireErrorState }

function bad(message: string): PixstoreError {
  return new PixstoreError('bad-payload', message)
}

/**
 * Decodes one response body of the pixstore 3 wire protocol.
 * Every length is checked; anything malformed is a `bad-payload` error. The returned
 * arrays are copies, so the caller can store `encrypted` without keeping the key alive.
 */
export function decodeWirePayload(body: Uint8Array): WirePayload {
  if (body.length === 0) throw bad('Empty payload')
  const state = body[0]
  switch (state) {
    case WireState.Success:
      if (body.length < 2) throw bad('Success payload without ciphertext')
      return { state, encrypted: body.slice(1) }
    case WireState.Updated: {
      if (body.length < UPDATED_HEADER_BYTES + 1) {
        throw bad(`Updated payload of ${body.length} bytes is shorter than its header`)
      }
      const view = new DataView(body.buffer, body.byteOffset + 1, TOKEN_BYTES)
      const token = view.getBigUint64(0, true)
      if (token > BigInt(Number.MAX_SAFE_INTEGER)) throw bad('Token exceeds 2^53')
      let offset = 1 + TOKEN_BYTES
      const take = (length: number) => body.slice(offset, (offset += length))
      return {
        state,
        token: Number(token),
        key: take(KEY_BYTES),
        iv: take(IV_BYTES),
        tag: take(TAG_BYTES),
        encrypted: body.slice(offset),
      }
    }
    case WireState.NotFound:
    case WireState.MissingID:
    case WireState.MissingProof:
    case WireState.InvalidProof:
    case WireState.InternalError:
      if (body.length !== 1) throw bad(`State ${state} carries ${body.length - 1} unexpected bytes`)
      return { state }
    default:
      throw bad(`Unknown wire state ${state}`)
  }
}
