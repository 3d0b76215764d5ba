import { describe, expect, it } from 'vitest'
import {
  base64ToBytes,
  byteOfFormat,
  bytesToBase64,
  formatOfByte,
  decryptImage,
  DEFAULT_IMAGE_FORMATS,
  imageMimeType,
  importDecryptionKey,
  PixstoreError,
} from '../../src/core/internal'
import { encryptImage } from '../../src/testing'

async function rejectionCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise
  } catch (error) {
    return error instanceof PixstoreError ? error.code : String(error)
  }
  return undefined
}

describe('decryptImage', () => {
  const image = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) % 256)

  it('decrypts what encryptImage sealed and reads the format byte', async () => {
    for (const format of DEFAULT_IMAGE_FORMATS) {
      const { encrypted, meta } = await encryptImage(image, format)
      expect(encrypted.length).toBe(image.length + 1)
      const result = await decryptImage(encrypted, await importDecryptionKey(meta), DEFAULT_IMAGE_FORMATS)
      expect(result.format).toBe(format)
      expect(result.bytes).toEqual(image)
    }
  })

  it.each([
    ['jpg', 'image/jpeg'],
    ['jpeg', 'image/jpeg'],
    ['jfif', 'image/jpeg'],
    ['pjpeg', 'image/jpeg'],
    ['pjp', 'image/jpeg'],
    ['svg', 'image/svg+xml'],
    ['tif', 'image/tiff'],
    ['tiff', 'image/tiff'],
    ['ico', 'image/vnd.microsoft.icon'],
    ['cur', 'image/x-icon'],
    ['bmp', 'image/bmp'],
    ['xbm', 'image/x-xbitmap'],
    ['xpm', 'image/x-xpixmap'],
    ['tga', 'image/x-tga'],
    ['raw', 'application/octet-stream'],
    ['png', 'image/png'],
    ['webp', 'image/webp'],
    ['avif', 'image/avif'],
  ] as const)('maps %s to its registered MIME type %s', (format, mimeType) => {
    expect(imageMimeType(format)).toBe(mimeType)
  })

  it('keeps the key in WebCrypto, not extractable, and wipes the raw key bytes it was given', async () => {
    const { meta } = await encryptImage(image, 'png')
    const raw = base64ToBytes(meta.key)
    const key = await importDecryptionKey({
      key: raw,
      iv: base64ToBytes(meta.iv),
      tag: base64ToBytes(meta.tag),
    })
    expect(key.key.extractable).toBe(false)
    expect(key.key.usages).toEqual(['decrypt'])
    expect(raw.every((byte) => byte === 0)).toBe(true)
  })

  it('gives decrypt-failed for a flipped bit in ciphertext, tag or iv, and for a wrong key', async () => {
    const { encrypted, meta } = await encryptImage(image, 'png')
    const flip = (b64: string, bit: number) => {
      const raw = base64ToBytes(b64)
      raw[bit >> 3]! ^= 1 << (bit & 7)
      return bytesToBase64(raw)
    }
    const key = await importDecryptionKey(meta)
    const bad = encrypted.slice()
    bad[500]! ^= 0x10
    expect(await rejectionCode(decryptImage(bad, key, DEFAULT_IMAGE_FORMATS))).toBe('decrypt-failed')
    for (const field of ['tag', 'iv', 'key'] as const) {
      const broken = await importDecryptionKey({ ...meta, [field]: flip(meta[field], 3) })
      expect(await rejectionCode(decryptImage(encrypted, broken, DEFAULT_IMAGE_FORMATS))).toBe(
        'decrypt-failed',
      )
    }
  })

  it('gives decrypt-failed for meta of the wrong length or not base64', async () => {
    const { meta } = await encryptImage(image, 'png')
    expect(
      await rejectionCode(importDecryptionKey({ ...meta, key: bytesToBase64(new Uint8Array(16)) })),
    ).toBe('decrypt-failed')
    expect(await rejectionCode(importDecryptionKey({ ...meta, iv: '***' }))).toBe('decrypt-failed')
    // The message names the field and the length, and the cause is kept.
    const short = (field: 'key' | 'iv' | 'tag', length: number) =>
      importDecryptionKey({ ...meta, [field]: bytesToBase64(new Uint8Array(length)) })
    await expect(short('key', 16)).rejects.toThrow('The key must be 32 bytes, not 16')
    await expect(short('iv', 16)).rejects.toThrow('The iv must be 12 bytes, not 16')
    await expect(short('tag', 8)).rejects.toThrow('The tag must be 16 bytes, not 8')
    await expect(importDecryptionKey({ ...meta, tag: '***' })).rejects.toMatchObject({
      message: 'The tag is not valid base64',
      cause: expect.anything(),
    })
  })

  it('gives unsupported-format for a format byte outside the list', async () => {
    const { encrypted, meta } = await encryptImage(image, 'jpeg')
    const key = await importDecryptionKey(meta)
    expect(await rejectionCode(decryptImage(encrypted, key, ['png', 'webp']))).toBe('unsupported-format')
    await expect(decryptImage(encrypted, key, ['png', 'webp'])).rejects.toThrow('Unknown image format byte 4')
    expect(() => byteOfFormat('gif', DEFAULT_IMAGE_FORMATS)).toThrow(
      expect.objectContaining({ code: 'unsupported-format', message: 'Format gif is not configured' }),
    )
    expect(() => formatOfByte(0, DEFAULT_IMAGE_FORMATS)).toThrow('Unknown image format byte 0')
    expect(formatOfByte(1, DEFAULT_IMAGE_FORMATS)).toBe('png')
  })

  it('gives bad-payload for a plaintext without image bytes, and takes one of a single byte', async () => {
    const empty = await encryptImage(new Uint8Array(0), 'png')
    await expect(
      decryptImage(empty.encrypted, await importDecryptionKey(empty.meta), DEFAULT_IMAGE_FORMATS),
    ).rejects.toThrow(
      expect.objectContaining({ code: 'bad-payload', message: 'The plaintext holds no image bytes' }),
    )
    const one = await encryptImage(Uint8Array.of(7), 'png')
    const decrypted = await decryptImage(
      one.encrypted,
      await importDecryptionKey(one.meta),
      DEFAULT_IMAGE_FORMATS,
    )
    expect(decrypted.bytes).toEqual(Uint8Array.of(7))
  })

  it('says why a key or a tag check failed, and keeps the cause', async () => {
    const { encrypted, meta } = await encryptImage(image, 'png')
    const refusing = { importKey: () => Promise.reject(new Error('no AES here')) } as unknown as SubtleCrypto
    await expect(importDecryptionKey(meta, refusing)).rejects.toThrow(
      expect.objectContaining({
        code: 'decrypt-failed',
        message: 'The key could not be imported',
        cause: expect.objectContaining({ message: 'no AES here' }),
      }),
    )
    const other = await encryptImage(image, 'png')
    await expect(
      decryptImage(encrypted, await importDecryptionKey(other.meta), DEFAULT_IMAGE_FORMATS),
    ).rejects.toThrow(
      expect.objectContaining({ message: 'AES-GCM authentication failed', cause: expect.anything() }),
    )
  })

  it('round-trips base64 of large arrays', () => {
    const big = Uint8Array.from({ length: 200_000 }, (_, i) => i % 251)
    expect(base64ToBytes(bytesToBase64(big))).toEqual(big)
  })
})
