/** Byte sizes of the pixstore 3 wire layout and of AES-256-GCM. */
export const TOKEN_BYTES = 8
export const KEY_BYTES = 32
export const IV_BYTES = 12
export const TAG_BYTES = 16
/** state · token · key · iv · tag, before the ciphertext of an `Updated` body. */
export const UPDATED_HEADER_BYTES = 1 + TOKEN_BYTES + KEY_BYTES + IV_BYTES + TAG_BYTES
