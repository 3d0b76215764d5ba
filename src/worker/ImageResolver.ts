import {
  decryptImage,
  importDecryptionKey,
  isPixstoreError,
  PixstoreError,
  type DecryptionKey,
  type ImageDecryptionMeta,
  type ImageFormat,
} from '../core/internal.js'
import type { EncryptedCache } from './EncryptedCache.js'
import { IdleWrites } from './IdleWrites.js'
import {
  imageUrl,
  LruMap,
  SW_MESSAGE,
  type ImageResponseMessage,
  type KeyResponseMessage,
} from '../protocol/index.js'
import type { Asker, PageQuestion } from './PageQuestions.js'
import type { WorkerLoads } from './WorkerLoads.js'

/**
 * A decrypted image, held in memory only, as a Blob: a response with a Blob body is handed
 * to the page by reference, where bytes would be copied through the worker's thread.
 */
export interface ServedImage {
  blob: Blob
}

/** The decrypted bytes as a Blob of their type; the bytes themselves are left to be collected. */
async function decryptToBlob(...args: Parameters<typeof decryptImage>): Promise<ServedImage> {
  const { bytes, mimeType } = await decryptImage(...args)
  return { blob: new Blob([bytes], { type: mimeType }) }
}

/** An image and the layer it was found in. */
export interface ResolvedImage {
  image: ServedImage
  source: 'worker-memory' | 'cache-storage' | 'dexie' | 'network' | 'page'
  /** For a loaded image: settles once it is kept (or dropped), after the image is answered. */
  kept?: Promise<void>
}

/** One image request being answered; shared by every fetch of its URL. */
export interface Flight extends Asker {
  id: string
  /** The clear epoch it started in: after a clear it keeps nothing. */
  epoch: number
  /** Dexie evicted the image while this request ran: answer it, keep nothing. */
  evicted?: boolean
  /** The page hands the worker this version's record: on a miss, wait for it. */
  handed: boolean
}

/** What the resolver needs besides its cache. */
export interface ImageResolverOptions {
  prefix: string
  formats: readonly ImageFormat[]
  /** Most keys held, one per version in Cache Storage. */
  maxEntries: number
  /** Bytes of decrypted images held, and as much again of images waiting for their write. */
  memoryBytes: number
  subtle: SubtleCrypto
  /** The worker's own loads, from the records pages hand over. */
  loads: Pick<WorkerLoads, 'load' | 'recordOf'>
  /** Asks the pages; rejects for a flight from before a clear. */
  ask: <T extends ImageResponseMessage | KeyResponseMessage>(
    question: PageQuestion,
    flight: Flight,
  ) => Promise<T>
}

/**
 * Finds the image of a version: in memory, in Cache Storage (decrypted with a key held in
 * memory, handed over with its record, or asked of the page after a restart), loaded by the
 * worker itself (Dexie, then the network), or from the page, then keeps it: ciphertext in
 * Cache Storage, key and plaintext in memory. Versions only move forward and nothing outlives
 * a clear or an eviction.
 */
export class ImageResolver {
  /** Keys of the versions in Cache Storage. */
  private readonly keys: LruMap<DecryptionKey>
  /** Recently served images. */
  private readonly served: LruMap<ServedImage>
  /** Its Cache Storage writes, waiting for the answers being found (told of them by the flights). */
  readonly writes: IdleWrites

  constructor(
    private readonly cache: EncryptedCache,
    private readonly options: ImageResolverOptions,
  ) {
    this.keys = new LruMap(options.maxEntries)
    this.served = new LruMap(options.memoryBytes, (image) => image.blob.size)
    this.writes = new IdleWrites(options.memoryBytes)
  }

  /** The image of version `token` of `id`, whose URL is `key`, and where it was found. */
  async imageOf(key: string, id: string, token: number, flight: Flight): Promise<ResolvedImage> {
    const recent = this.served.get(key)
    if (recent) return { image: recent, source: 'worker-memory' }
    const encrypted = await this.cache.match(key)
    if (encrypted) {
      try {
        const decryptionKey = this.keys.get(key) ?? (await this.keyOf(key, id, token, flight))
        const image = await decryptToBlob(encrypted, decryptionKey, this.options.formats, this.options.subtle)
        if (!flight.evicted && flight.epoch === this.cache.epoch) this.served.set(key, image)
        return { image, source: 'cache-storage' }
      } catch (error) {
        if (!isPixstoreError(error, 'decrypt-failed')) throw error
        // A stale or damaged entry: drop it and ask the page for the image once.
        this.keys.delete(key)
        await this.cache.drop(id)
      }
    }
    const own = await this.options.loads.load(id, token, flight.handed)
    if (own) {
      const decryptionKey = await importDecryptionKey(own.meta, this.options.subtle)
      const image = { blob: own.blob }
      // Answered before its Dexie write lands: the flight lasts until it does.
      const keeping = this.keep(id, own.token, own.encrypted, decryptionKey, image, flight)
      const kept = Promise.all([keeping, own.written]).then(() => undefined)
      return { image, source: own.source, kept }
    }
    const answer = await this.options.ask<ImageResponseMessage>(
      { type: SW_MESSAGE.IMAGE_REQUEST, id, token },
      flight,
    )
    // Stryker disable next-line StringLiteral: the request answers by the code; the message is never shown
    if (!answer.ok) throw new PixstoreError(answer.code, `The page answered ${answer.code}`)
    const decryptionKey = await importDecryptionKey(answer.meta, this.options.subtle)
    const image = await decryptToBlob(
      answer.encrypted,
      decryptionKey,
      this.options.formats,
      this.options.subtle,
    )
    // Answered before it is stored, as a CacheFirst worker answers before its cache write
    // lands: the write goes on under the fetch event's waitUntil.
    const kept = this.keep(id, answer.token, answer.encrypted, decryptionKey, image, flight)
    return { image, source: 'page', kept }
  }

  /**
   * Keeps a loaded image, verified, under the version it was loaded as (newer than asked
   * after an Updated answer): ciphertext in Cache Storage, key and image in memory.
   * Never replaces a newer version, never outlives a clear or an eviction, and a refused or
   * failed write only costs the cache.
   */
  private async keep(
    id: string,
    token: number,
    encrypted: Uint8Array<ArrayBuffer>,
    decryptionKey: DecryptionKey,
    image: ServedImage,
    flight: Flight,
  ): Promise<void> {
    try {
      // Stored once no answer is being found: until then its flight holds both the ciphertext
      // and the image, and answers its URL.
      await this.writes.run(encrypted.byteLength + image.blob.size, async () => {
        if (!flight.evicted) await this.cache.put(id, token, encrypted, flight.epoch)
      })
      // Evicted while it was being stored: undo it, Dexie is the source of truth.
      if (flight.evicted) return await this.drop(id)
      if (flight.epoch !== this.cache.epoch) return
      const newest = (await this.cache.newest(id)) ?? token
      if (newest > token) return
      // One version per id in memory too: this one replaces every other.
      this.dropFromMemory(id)
      const key = imageUrl(id, token, this.options.prefix)
      // Kept whether or not Cache Storage took it: a full disk costs only the cache.
      this.keys.set(key, decryptionKey)
      this.served.set(key, image)
    } catch {
      // Cache Storage failed in a way it does not know: the image was answered, nothing is kept.
    }
  }

  /** The key of a cached version the worker lost (a restart): from its handed record, else asked of the page. */
  private async keyOf(key: string, id: string, token: number, flight: Flight): Promise<DecryptionKey> {
    const handed = await this.options.loads.recordOf(id, token, flight.handed)
    const meta = handed?.meta ?? (await this.requestMeta(id, token, flight))
    const decryptionKey = await importDecryptionKey(meta, this.options.subtle)
    // Stryker disable next-line ConditionalExpression: a key kept after a clear is for a version no longer in Cache Storage; a new one is kept with it before any read
    if (flight.epoch === this.cache.epoch) this.keys.set(key, decryptionKey)
    return decryptionKey
  }

  private async requestMeta(id: string, token: number, flight: Flight): Promise<ImageDecryptionMeta> {
    const answer = await this.options.ask<KeyResponseMessage>(
      { type: SW_MESSAGE.KEY_REQUEST, id, token },
      flight,
    )
    // Stryker disable next-line StringLiteral: the request answers by the code; the message is never shown
    if (!answer.ok) throw new PixstoreError(answer.code, `The page answered ${answer.code}`)
    return answer.meta
  }

  /** Drops every version of `id`: from memory and from Cache Storage. */
  async drop(id: string): Promise<void> {
    this.dropFromMemory(id)
    await this.cache.drop(id)
  }

  /** Drops every key and image held in memory. */
  forgetAll(): void {
    this.keys.clear()
    this.served.clear()
  }

  /** Drops the keys and served images of every version of `id`. */
  private dropFromMemory(id: string): void {
    // Every version's URL starts like this one's, up to its token.
    const versions = imageUrl(id, 0, this.options.prefix).slice(0, -1)
    const ofId = (key: string) => key.startsWith(versions)
    this.keys.deleteWhere(ofId)
    this.served.deleteWhere(ofId)
  }
}
