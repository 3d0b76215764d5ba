import { PixstoreError } from './PixstoreError.js'

const CHUNK = 0x8000

/** Standard base64 of `bytes`, without spreading large arrays onto the stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  // Stryker disable next-line EqualityOperator: one more pass past the end adds an empty chunk
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK))
  }
  return btoa(binary)
}

/** Bytes of a standard base64 string; malformed input is a `bad-payload` error. */
export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  let binary: string
  try {
    binary = atob(base64)
  } catch (cause) {
    throw new PixstoreError('bad-payload', 'Not a base64 string', { cause })
  }
  const bytes = new Uint8Array(binary.length)
  // Stryker disable next-line EqualityOperator: a typed array ignores a write past its end
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
