import { describe, expect, it } from 'vitest'
import { decodeWirePayload, PixstoreError, WireState } from '../../src/core'
import { encodeWirePayload } from '../../src/testing'

const bytes = (length: number, fill = 7) => new Uint8Array(length).fill(fill)

function updated() {
  return encodeWirePayload({
    state: WireState.Updated,
    token: 1_750_000_000_123,
    key: bytes(32, 1),
    iv: bytes(12, 2),
    tag: bytes(16, 3),
    encrypted: bytes(40, 4),
  })
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run()
  } catch (error) {
    return error instanceof PixstoreError ? error.code : 'not-a-pixstore-error'
  }
  return undefined
}

describe('decodeWirePayload', () => {
  it('reads an Updated payload field by field, little-endian token', () => {
    const body = updated()
    expect(body.length).toBe(1 + 8 + 32 + 12 + 16 + 40)
    expect(body[0]).toBe(1)
    expect(new DataView(body.buffer).getBigUint64(1, true)).toBe(1_750_000_000_123n)
    const payload = decodeWirePayload(body)
    expect(payload).toEqual({
      state: WireState.Updated,
      token: 1_750_000_000_123,
      key: bytes(32, 1),
      iv: bytes(12, 2),
      tag: bytes(16, 3),
      encrypted: bytes(40, 4),
    })
  })

  it('returns ciphertext that owns its buffer, so the key is never kept alive with it', () => {
    const payload = decodeWirePayload(updated())
    if (payload.state !== WireState.Updated) throw new Error('expected Updated')
    expect(payload.encrypted.byteOffset).toBe(0)
    expect(payload.encrypted.buffer.byteLength).toBe(40)
    const success = decodeWirePayload(Uint8Array.of(0, 9, 9, 9))
    expect(success).toEqual({ state: WireState.Success, encrypted: Uint8Array.of(9, 9, 9) })
    if (success.state === WireState.Success) expect(success.encrypted.buffer.byteLength).toBe(3)
  })

  it('decodes a view into a larger buffer at its own offset', () => {
    const framed = new Uint8Array(500)
    framed.set(updated(), 100)
    const payload = decodeWirePayload(framed.subarray(100, 100 + updated().length))
    expect(payload.state).toBe(WireState.Updated)
    if (payload.state === WireState.Updated) expect(payload.token).toBe(1_750_000_000_123)
  })

  it('accepts each bodiless state alone and refuses it with trailing bytes', () => {
    for (const state of [2, 3, 4, 5, 6] as const) {
      expect(decodeWirePayload(Uint8Array.of(state))).toEqual({ state })
      expect(codeOf(() => decodeWirePayload(Uint8Array.of(state, 0)))).toBe('bad-payload')
    }
  })

  it('gives bad-payload for every unknown state byte', () => {
    for (let state = 7; state <= 255; state++) {
      expect(codeOf(() => decodeWirePayload(Uint8Array.of(state)))).toBe('bad-payload')
      expect(codeOf(() => decodeWirePayload(Uint8Array.of(state, 1, 2, 3)))).toBe('bad-payload')
    }
  })

  it('gives bad-payload for every truncation of an Updated payload below a one-byte ciphertext', () => {
    const body = updated()
    for (let length = 0; length <= 1 + 8 + 32 + 12 + 16; length++) {
      expect(codeOf(() => decodeWirePayload(body.subarray(0, length)))).toBe('bad-payload')
    }
    expect(codeOf(() => decodeWirePayload(body.subarray(0, 70)))).toBeUndefined()
  })

  it('says what is wrong with a bad payload', () => {
    const message = (body: Uint8Array) => {
      try {
        decodeWirePayload(body)
      } catch (error) {
        return (error as Error).message
      }
    }
    expect(message(new Uint8Array(0))).toBe('Empty payload')
    expect(message(Uint8Array.of(0))).toBe('Success payload without ciphertext')
    expect(message(updated().subarray(0, 20))).toBe('Updated payload of 20 bytes is shorter than its header')
    expect(message(Uint8Array.of(3, 0, 0))).toBe('State 3 carries 2 unexpected bytes')
    expect(message(Uint8Array.of(9))).toBe('Unknown wire state 9')
    const unsafe = updated()
    new DataView(unsafe.buffer).setBigUint64(1, 2n ** 53n, true)
    expect(message(unsafe)).toBe('Token exceeds 2^53')
  })

  it('takes the smallest payloads that are whole: one byte of ciphertext, the largest safe token', () => {
    expect(decodeWirePayload(Uint8Array.of(0, 9))).toEqual({
      state: WireState.Success,
      encrypted: Uint8Array.of(9),
    })
    const body = updated()
    new DataView(body.buffer).setBigUint64(1, BigInt(Number.MAX_SAFE_INTEGER), true)
    expect(decodeWirePayload(body)).toMatchObject({ token: Number.MAX_SAFE_INTEGER })
  })

  it('refuses an empty Success and a token beyond 2^53', () => {
    expect(codeOf(() => decodeWirePayload(Uint8Array.of(0)))).toBe('bad-payload')
    const body = updated()
    new DataView(body.buffer).setBigUint64(1, 2n ** 60n, true)
    expect(codeOf(() => decodeWirePayload(body))).toBe('bad-payload')
  })
})

describe('encodeWirePayload', () => {
  it('round-trips every state', () => {
    expect(decodeWirePayload(encodeWirePayload({ state: WireState.Success, encrypted: bytes(5) }))).toEqual({
      state: WireState.Success,
      encrypted: bytes(5),
    })
    for (const state of [2, 3, 4, 5, 6] as const) {
      expect(encodeWirePayload({ state })).toEqual(Uint8Array.of(state))
    }
  })

  it('refuses wrong key sizes and unsafe tokens', () => {
    const base = {
      state: WireState.Updated,
      key: bytes(32),
      iv: bytes(12),
      tag: bytes(16),
      encrypted: bytes(4),
    }
    expect(codeOf(() => encodeWirePayload({ ...base, token: 1, key: bytes(31) }))).toBe('bad-payload')
    expect(codeOf(() => encodeWirePayload({ ...base, token: -1 }))).toBe('bad-payload')
  })
})
