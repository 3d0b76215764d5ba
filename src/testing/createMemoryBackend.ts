import {
  base64ToBytes,
  bytesToBase64,
  DEFAULT_IMAGE_FORMATS,
  WireState,
  type ImageFetcher,
  type ImageFormat,
  type ImageRecord,
} from '../core/internal.js'
import { encodeWirePayload } from './encodeWirePayload.js'
import { encryptImage } from './encryptImage.js'

/** Options of `createMemoryBackend`. */
export interface MemoryBackendOptions {
  /** Format list, as on a real backend. @default ['png','webp','jpg','jpeg'] */
  imageFormats?: readonly ImageFormat[]
  /** Clock for tokens. @default Date.now */
  now?: () => number
  /** Delay before each answer, in ms, to show loading states. @default 0 */
  latency?: number
}

/** An in-memory pixstore 3 backend: real encryption, real wire payloads, no network. */
export interface MemoryBackend {
  /** Encrypts and stores an image, like pixstore's `saveImage`. */
  save(bytes: Uint8Array, format: ImageFormat, id?: string): Promise<ImageRecord>
  /** Replaces an image with a new version and token, like `updateImage`. */
  update(id: string, bytes: Uint8Array, format: ImageFormat): Promise<ImageRecord>
  /** Deletes an image, like `deleteImage`. */
  remove(id: string): boolean
  /** The current record, like `getImageRecord`. */
  record(id: string): ImageRecord | null
  /** Answers requests exactly as pixstore 3's default endpoint would. */
  fetcher: ImageFetcher
  /** Requests answered so far, per id. */
  requests: Map<string, number>
}

interface Entry {
  record: ImageRecord
  encrypted: Uint8Array<ArrayBuffer>
}

/**
 * Creates an in-memory backend speaking the pixstore 3 wire protocol, for tests, stories
 * and demos without a server. Proofs never expire.
 */
export function createMemoryBackend(options: MemoryBackendOptions = {}): MemoryBackend {
  const formats = options.imageFormats ?? DEFAULT_IMAGE_FORMATS
  const now = options.now ?? Date.now
  const entries = new Map<string, Entry>()
  const requests = new Map<string, number>()
  let lastToken = 0
  let nextId = 0

  async function write(id: string, bytes: Uint8Array, format: ImageFormat): Promise<ImageRecord> {
    const { encrypted, meta } = await encryptImage(bytes, format, formats)
    const token = (lastToken = Math.max(now(), lastToken + 1))
    const proof =
      entries.get(id)?.record.statelessProof ?? bytesToBase64(crypto.getRandomValues(new Uint8Array(8)))
    const record: ImageRecord = { id, token, meta, statelessProof: proof }
    entries.set(id, { record, encrypted })
    return record
  }

  const fetcher: ImageFetcher = async (record, _context, signal) => {
    if (options.latency) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, options.latency)
        signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true })
      })
    }
    signal.throwIfAborted()
    requests.set(record.id, (requests.get(record.id) ?? 0) + 1)
    if (!record.id) return encodeWirePayload({ state: WireState.MissingID })
    if (!record.statelessProof) return encodeWirePayload({ state: WireState.MissingProof })
    const entry = entries.get(record.id)
    if (entry && entry.record.statelessProof !== record.statelessProof) {
      return encodeWirePayload({ state: WireState.InvalidProof })
    }
    if (!entry) return encodeWirePayload({ state: WireState.NotFound })
    if (entry.record.token === record.token) {
      return encodeWirePayload({ state: WireState.Success, encrypted: entry.encrypted })
    }
    const { meta, token } = entry.record
    return encodeWirePayload({
      state: WireState.Updated,
      token,
      key: base64ToBytes(meta.key),
      iv: base64ToBytes(meta.iv),
      tag: base64ToBytes(meta.tag),
      encrypted: entry.encrypted,
    })
  }

  return {
    save: (bytes, format, id = `img${(nextId++).toString(36)}`) => write(id, bytes, format),
    update: (id, bytes, format) => write(id, bytes, format),
    remove: (id) => entries.delete(id),
    record: (id) => entries.get(id)?.record ?? null,
    fetcher,
    requests,
  }
}
