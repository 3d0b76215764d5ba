// The worker's handler in real Chromium (Cache Storage, BroadcastChannel, WebCrypto), run
// in the page with the test playing the page bridges on the channel.
import { workerCases } from '../support/workerCases'

/** The page's Cache Storage under names of this test only; `refuse` makes every put fail. */
function scopedCaches(scope: string, refuse = false): CacheStorage {
  const name = (cache: string) => `${scope}/${cache}`
  const open = async (cache: string) => {
    const real = await caches.open(name(cache))
    if (!refuse) return real
    return new Proxy(real, {
      get: (target, key) => {
        if (key === 'put')
          return () => Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'))
        const value: unknown = Reflect.get(target, key)
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value
      },
    })
  }
  return {
    open,
    has: (cache: string) => caches.has(name(cache)),
    delete: (cache: string) => caches.delete(name(cache)),
    keys: async () =>
      (await caches.keys()).filter((n) => n.startsWith(`${scope}/`)).map((n) => n.slice(scope.length + 1)),
    match: async (request: RequestInfo, options?: MultiCacheQueryOptions) =>
      options?.cacheName ? (await open(options.cacheName)).match(request) : undefined,
  } as CacheStorage
}

workerCases('Chromium', location.origin, scopedCaches)
