import type { PixstoreConfig } from '../core/index.js'
import type { WorkerLoadSource } from '../protocol/index.js'

/**
 * What the worker needs to load a page's images the way its service does: the same Dexie
 * database and limits, the default endpoint (left out where the app's fetcher is a function,
 * which cannot cross to the worker), the formats, the timeout and the fetch limit.
 */
export function workerLoadSource(config: PixstoreConfig = {}): WorkerLoadSource {
  const { cache = {}, endpoint = {}, fetcher } = config
  const { fetch, ...plainEndpoint } = endpoint
  return {
    cache: {
      dbName: cache.database?.name ?? cache.dbName,
      maxEntries: cache.maxEntries,
      maxBytes: cache.maxBytes,
      evictionBatch: cache.evictionBatch,
    },
    endpoint: fetcher || fetch ? undefined : plainEndpoint,
    imageFormats: config.imageFormats,
    timeout: config.timeout,
    maxConcurrentFetches: config.maxConcurrentFetches,
  }
}
