import { describe, expect, it } from 'vitest'
import { base64ToBytes, bytesToBase64 } from '../../src/core/internal'

describe('bytesToBase64 and base64ToBytes', () => {
  // 0x8000 is the chunk size: each side of it, and several chunks.
  it.each([0, 1, 2, 3, 0x7fff, 0x8000, 0x8001, 3 * 0x8000 + 5])(
    'round-trip %i bytes as Node does',
    (length) => {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 7 + 3) % 256)
      const base64 = bytesToBase64(bytes)
      expect(base64).toBe(Buffer.from(bytes).toString('base64'))
      expect(base64ToBytes(base64)).toEqual(bytes)
    },
  )

  it('gives bad-payload for a string that is not base64, and keeps the cause', () => {
    expect(() => base64ToBytes('not base64!')).toThrow(
      expect.objectContaining({
        code: 'bad-payload',
        message: 'Not a base64 string',
        cause: expect.any(Error),
      }),
    )
  })
})
