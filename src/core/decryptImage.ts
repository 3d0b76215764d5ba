import { base64ToBytes } from './base64.js'
import type { ImageDecryptionMeta } from './ImageRecord.js'
import { formatOfByte, imageMimeType, type ImageFormat } from './imageFormats.js'
import { PixstoreError } from './PixstoreError.js'
import { IV_BYTES, KEY_BYTES, TAG_BYTES } from './wireLayout.js'

/** The plaintext of one image, split into its format and the image bytes. */
export interface DecryptedImage {
  format: ImageFormat
  mimeType: string
  bytes: Uint8Array<ArrayBuffer>
}

/** AES-GCM parameters in memory: a non-extractable key plus iv and tag bytes. */
export interface DecryptionKey {
  key: CryptoKey
  iv: Uint8Array<ArrayBuffer>
  tag: Uint8Array<ArrayBuffer>
}

function metaBytes(value: string | Uint8Array<ArrayBuffer>, length: number, what: string) {
  let bytes: Uint8Array<ArrayBuffer>
  try {
    bytes = typeof value === 'string' ? base64ToBytes(value) : value
  } catch (cause) {
    throw new PixstoreError('decrypt-failed', `The ${what} is not valid base64`, { cause })
  }
  if (bytes.length !== length) {
    throw new PixstoreError('decrypt-failed', `The ${what} must be ${length} bytes, not ${bytes.length}`)
  }
  return bytes
}

/**
 * Imports the meta of an image version as a non-extractable AES-GCM key. Accepts the
 * record's base64 meta or the raw bytes of an `Updated` payload.
 */
export async function importDecryptionKey(
  meta:
    | ImageDecryptionMeta
    | { key: Uint8Array<ArrayBuffer>; iv: Uint8Array<ArrayBuffer>; tag: Uint8Array<ArrayBuffer> },
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<DecryptionKey> {
  const raw = metaBytes(meta.key, KEY_BYTES, 'key')
  const iv = metaBytes(meta.iv, IV_BYTES, 'iv')
  const tag = metaBytes(meta.tag, TAG_BYTES, 'tag')
  try {
    const key = await subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['decrypt'])
    return { key, iv, tag }
  } catch (cause) {
    throw new PixstoreError('decrypt-failed', 'The key could not be imported', { cause })
  } finally {
    raw.fill(0)
  }
}

/**
 * Decrypts pixstore ciphertext (AES-256-GCM, 128-bit tag sent apart from the ciphertext)
 * and reads the format byte. A failed tag check is `decrypt-failed`; a format byte outside
 * `formats` is `unsupported-format`.
 */
export async function decryptImage(
  encrypted: Uint8Array,
  decryptionKey: DecryptionKey,
  formats: readonly ImageFormat[],
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<DecryptedImage> {
  const sealed = new Uint8Array(encrypted.length + TAG_BYTES)
  sealed.set(encrypted)
  sealed.set(decryptionKey.tag, encrypted.length)
  let plain: Uint8Array<ArrayBuffer>
  try {
    plain = new Uint8Array(
      await subtle.decrypt(
        { name: 'AES-GCM', iv: decryptionKey.iv, tagLength: 128 },
        decryptionKey.key,
        sealed,
      ),
    )
  } catch (cause) {
    throw new PixstoreError('decrypt-failed', 'AES-GCM authentication failed', { cause })
  }
  if (plain.length < 2) throw new PixstoreError('bad-payload', 'The plaintext holds no image bytes')
  const format = formatOfByte(plain[0]!, formats)
  return { format, mimeType: imageMimeType(format), bytes: plain.subarray(1) }
}
