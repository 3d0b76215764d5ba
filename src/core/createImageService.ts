import { checkRecord } from './checkRecord.js'
import { createVersionFetcher } from './createVersionFetcher.js'
import { decryptImage, importDecryptionKey } from './decryptImage.js'
import { DEFAULT_IMAGE_FORMATS } from './imageFormats.js'
import type { ImageRecord } from './ImageRecord.js'
import type { GetImageOptions, ImageService, LoadedVersion } from './ImageService.js'
import { ImageMetrics, type ImageEvent } from './ImageMetrics.js'
import { ImageStore } from './ImageStore.js'
import type { ImageStoreChange } from './ImageStoreOptions.js'
import type { PixstoreConfig } from './PixstoreConfig.js'
import { isPixstoreError, PixstoreError } from './PixstoreError.js'
import { SharedLoads, type LoadRequest } from './SharedLoads.js'
import { Subscribable } from './Subscribable.js'
import { TaskPacer } from './TaskPacer.js'
import { versionKey } from './versionKey.js'

/** A fetched version, and its write to the cache. */
interface Fetched {
  version: LoadedVersion
  written: Promise<void>
}

/** A loaded version whose Blob is made once, on the first `getImage`, for every caller. */
type SharedVersion = LoadedVersion & { blob(): Blob }

function shareBlob(version: LoadedVersion): SharedVersion {
  let blob: Blob | undefined
  return { ...version, blob: () => (blob ??= new Blob([version.image.bytes], { type: version.mimeType })) }
}

/**
 * Creates an image service. Each call makes an independent instance with its own store
 * connection, loads in flight and fetcher; nothing is shared through module state. Numeric
 * options are checked here: one out of range throws `invalid-option`.
 */
export function createImageService(config: PixstoreConfig = {}): ImageService {
  const fetchVersion = createVersionFetcher(config)
  const formats = config.imageFormats ?? DEFAULT_IMAGE_FORMATS
  const subtle = (config.crypto ?? globalThis.crypto).subtle
  const store = new ImageStore({ ...config.cache, now: config.now })
  const locks = config.locks ?? globalThis.navigator?.locks
  const lockPrefix = `pixstore/${encodeURIComponent(store.db.name)}/`
  const loads = new SharedLoads<SharedVersion>()
  const pacer = new TaskPacer(config.imagesPerTask, config.scheduleTask)
  const clock = config.now ?? Date.now
  const metrics = new ImageMetrics(clock)
  const count = (event: ImageEvent) => {
    metrics.record(event)
    config.onEvent?.(event)
  }
  const changes = new Subscribable<ImageStoreChange>()
  // Stryker disable all: every failure that reaches here is typed; the fallback keeps a bug from handing onError something else
  const report = (error: unknown) =>
    config.onError?.(
      isPixstoreError(error)
        ? error
        : new PixstoreError('storage', 'Cache operation failed', { cause: error }),
    )
  // Stryker restore all
  // The store's own `clear` is not passed on: the service announces it as it starts.
  store.subscribe((change) => {
    if (change.type !== 'clear') changes.emit(change)
  })

  /** The cached version of a record, decrypted, when its token is current. */
  async function readCache(record: ImageRecord): Promise<LoadedVersion | undefined> {
    const cached = await store.get(record.id).catch((error: unknown) => void report(error))
    if (!cached || cached.token !== record.token) return undefined
    try {
      const key = await importDecryptionKey(record.meta, subtle)
      const image = await decryptImage(cached.encrypted, key, formats, subtle)
      store.touch(record.id)
      const { token, meta } = record
      return { image, token, encrypted: cached.encrypted, meta, mimeType: image.mimeType, source: 'dexie' }
    } catch {
      // A poisoned entry is dropped and the image fetched once more.
      await store.delete(record.id).catch(report)
      return undefined
    }
  }

  /**
   * Fetches a version and starts its write to the cache, unless its load was cancelled,
   * cleared or deleted meanwhile; `written` settles once the write landed or was refused (a
   * refused write costs the cache, not the image).
   */
  async function fetchAndCache(record: ImageRecord, request: LoadRequest): Promise<Fetched> {
    const version = await fetchVersion(record, request)
    const { token, encrypted } = version
    const written =
      request.signal.aborted || request.uncacheable
        ? Promise.resolve()
        : store.put({ id: record.id, token, encrypted }).catch(report)
    return { version, written }
  }

  /**
   * The fetched version once its write landed: a page closed or reloaded as soon as its
   * images show keeps them cached (a write still in flight when a page goes is lost). With
   * `waitUntil` (a service worker, which lives on until the write lands), at once.
   */
  async function handOut({ version, written }: Fetched): Promise<LoadedVersion> {
    if (config.waitUntil) config.waitUntil(written)
    else await written
    return version
  }

  /**
   * Fetches on a miss under a Web Lock named after the version, so tabs of one origin fetch
   * it once. The cache is read again inside the lock: another tab may have fetched and
   * cached it since the first read, whether or not this tab had to wait. The lock is held
   * until the write lands, even when the version is handed out before.
   */
  function fetchOnce(record: ImageRecord, request: LoadRequest): Promise<LoadedVersion> {
    // Stryker disable next-line ConditionalExpression: without a lock manager the request below throws and the fallback fetches the same way
    if (!locks) return fetchAndCache(record, request).then(handOut)
    const name = `${lockPrefix}${encodeURIComponent(record.id)}/${record.token}`
    let granted = false
    return new Promise((resolve, reject) => {
      locks
        .request(name, { signal: request.signal }, async () => {
          granted = true
          request.signal.throwIfAborted()
          const cached = await readCache(record)
          if (cached) return resolve(cached)
          const fetched = await fetchAndCache(record, request)
          resolve(handOut(fetched))
          await fetched.written
        })
        .catch((error: unknown) => {
          // An abort, or a failure of the load itself, is the load's answer (the race has the
          // abort already). A lock manager that fails to grant the lock does not cost the image.
          if (granted || request.signal.aborted) reject(error)
          else resolve(fetchAndCache(record, request).then(handOut))
        })
    })
  }

  /** Joins the load of a record's version (cache first, then the network), shared with every caller of it. */
  function join<R>(
    record: ImageRecord,
    options: GetImageOptions,
    select: (result: Promise<SharedVersion>) => Promise<R>,
  ): Promise<R> {
    try {
      checkRecord(record)
    } catch (error) {
      return Promise.reject(error)
    }
    // An aborted load stops at the lock or the fetch slot, before any request, and a load
    // aborted while it waits for its turn makes no Blob.
    const load = async (request: LoadRequest) => {
      const version = (await readCache(record)) ?? (await fetchOnce(record, request))
      await pacer.turn(request.signal)
      return shareBlob(version)
    }
    const started = clock()
    const { id, token } = record
    return loads.join(versionKey(record), record.id, load, options, (result) => {
      result.then(
        ({ source, encrypted }) =>
          count({ type: 'image', id, token, source, bytes: encrypted.byteLength, ms: clock() - started }),
        (error: unknown) => {
          if (isPixstoreError(error) && error.code !== 'aborted')
            count({ type: 'error', id, token, code: error.code, ms: clock() - started })
        },
      )
      return select(result)
    })
  }

  return {
    getImage: (record, options = {}) =>
      join(record, options, (result) => result.then((version) => version.blob())),
    getEncrypted: (record, options = {}) =>
      join(record, options, (result) =>
        result.then(({ token, encrypted, meta, mimeType, source }) => ({
          token,
          encrypted,
          meta,
          mimeType,
          source,
        })),
      ),
    async prefetch(records, options = {}) {
      await Promise.all(
        records.map(async (record) => {
          try {
            // The shared load: one cache read, a fetch only on a miss, and no Blob.
            await join(record, options, (result) => result)
          } catch (error) {
            report(error)
          }
        }),
      )
    },
    deleteCachedImage(id) {
      loads.markUncacheable(id)
      return store.delete(id)
    },
    cachedImageExists: (id) => store.has(id),
    clear() {
      loads.abortAll(new PixstoreError('aborted', 'The image cache was cleared'))
      changes.emit({ type: 'clear', ids: [] })
      return store.clear()
    },
    stats: () => store.stats(),
    metrics: metrics.snapshot,
    recordEvent: count,
    subscribeMetrics: metrics.subscribe,
    flush: () => store.flush(),
    liveStats: () => store.liveStats(),
    liveEntries: (limit = 50) => store.liveEntries(limit),
    subscribe: (listener) => changes.subscribe(listener),
    whenIdle: (signal) => loads.whenIdle(signal),
    close: () => store.close(),
  }
}
