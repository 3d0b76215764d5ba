/** AES-256-GCM parameters of one image version, each base64 (pixstore's `meta`). */
export interface ImageDecryptionMeta {
  key: string
  iv: string
  tag: string
}

/** What the app's API hands out for an image: pixstore 3's `ImageRecord`. */
export interface ImageRecord {
  id: string
  /** The version of the image; a new token means new bytes. */
  token: number
  meta: ImageDecryptionMeta
  /** Time-windowed proof of access sent as `x-pixstore-proof`. */
  statelessProof: string
}
