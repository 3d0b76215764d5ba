import {
  byteOfFormat,
  bytesToBase64,
  DEFAULT_IMAGE_FORMATS,
  IV_BYTES,
  KEY_BYTES,
  TAG_BYTES,
  type ImageDecryptionMeta,
  type ImageFormat,
} from '../core/internal.js'

/** Ciphertext and meta of one image version, as a pixstore 3 backend produces them. */
export interface EncryptedImage {
  encrypted: Uint8Array<ArrayBuffer>
  meta: ImageDecryptionMeta
}

/**
 * Encrypts image bytes exactly as a pixstore 3 backend does: a fresh random key and iv,
 * plaintext = format byte · image bytes, tag split off the ciphertext. For fixture
 * backends, stories and tests; production images are encrypted by the backend.
 */
export async function encryptImage(
  bytes: Uint8Array,
  format: ImageFormat,
  formats: readonly ImageFormat[] = DEFAULT_IMAGE_FORMATS,
  crypto: Crypto = globalThis.crypto,
): Promise<EncryptedImage> {
  const rawKey = crypto.getRandomValues(new Uint8Array(KEY_BYTES))
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const plain = new Uint8Array(1 + bytes.length)
  plain[0] = byteOfFormat(format, formats)
  plain.set(bytes, 1)
  const key = await crypto.subtle.importKey('raw', rawKey, { name: 'AES-GCM' }, false, ['encrypt'])
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, tagLength: 128 }, key, plain),
  )
  const split = sealed.length - TAG_BYTES
  return {
    encrypted: sealed.slice(0, split),
    meta: {
      key: bytesToBase64(rawKey),
      iv: bytesToBase64(iv),
      tag: bytesToBase64(sealed.subarray(split)),
    },
  }
}
