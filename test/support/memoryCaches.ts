// A CacheStorage in memory, for running the worker's logic in Node: the part of the Cache
// API the worker uses (open, match with cacheName and ignoreSearch, put, delete, keys, has),
// with bodies copied on the way in and out, `refusePuts` to play a full disk, and holds that
// keep reads or writes waiting so a test can put a message in between.

const strip = (url: string) => url.split('?')[0]!

class MemoryCache implements Partial<Cache> {
  readonly entries = new Map<string, { body: ArrayBuffer; headers: Headers }>()

  constructor(
    private readonly origin: string,
    private readonly refuse: () => boolean,
    private readonly held: () => Promise<void>,
    private readonly started: () => void,
  ) {}

  private url(request: RequestInfo | URL): string {
    return new URL(request instanceof Request ? request.url : String(request), this.origin).href
  }

  async match(request: RequestInfo | URL, options?: CacheQueryOptions): Promise<Response | undefined> {
    const url = this.url(request)
    for (const [key, entry] of this.entries) {
      if (key === url || (options?.ignoreSearch && strip(key) === strip(url)))
        return new Response(entry.body.slice(0), { headers: entry.headers })
    }
    return undefined
  }

  async put(request: RequestInfo | URL, response: Response): Promise<void> {
    if (this.refuse()) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    this.started()
    await this.held()
    const body = await response.arrayBuffer()
    const url = this.url(request)
    this.entries.delete(url)
    this.entries.set(url, { body, headers: response.headers })
  }

  async delete(request: RequestInfo | URL, options?: CacheQueryOptions): Promise<boolean> {
    const url = this.url(request)
    let deleted = false
    for (const key of [...this.entries.keys()]) {
      if (key === url || (options?.ignoreSearch && strip(key) === strip(url))) {
        this.entries.delete(key)
        deleted = true
      }
    }
    return deleted
  }

  async keys(): Promise<readonly Request[]> {
    return [...this.entries.keys()].map((url) => new Request(url))
  }
}

/**
 * A CacheStorage held in memory; `refusePuts` makes every write fail as a full disk does,
 * `holdPuts`, `holdMatches` and `holdOpens` make writes, `caches.match` reads and
 * `caches.open` wait until they resolve, and `puts`, `matches` and `opens` count them.
 */
export function memoryCaches(origin = 'http://localhost') {
  const caches = new Map<string, MemoryCache>()
  const state = {
    refusePuts: false,
    holdPuts: Promise.resolve(),
    puts: 0,
    holdMatches: Promise.resolve(),
    matches: 0,
    holdOpens: Promise.resolve(),
    opens: 0,
  }
  const open = async (name: string) => {
    state.opens++
    await state.holdOpens
    let cache = caches.get(name)
    if (!cache)
      caches.set(
        name,
        (cache = new MemoryCache(
          origin,
          () => state.refusePuts,
          () => state.holdPuts,
          () => void state.puts++,
        )),
      )
    return cache as unknown as Cache
  }
  const storage = {
    open,
    has: async (name: string) => caches.has(name),
    delete: async (name: string) => caches.delete(name),
    keys: async () => [...caches.keys()],
    match: async (request: RequestInfo | URL, options?: MultiCacheQueryOptions) => {
      state.matches++
      await state.holdMatches
      const names = options?.cacheName ? [options.cacheName] : [...caches.keys()]
      for (const name of names) {
        const hit = await caches.get(name)?.match(request, options)
        if (hit) return hit
      }
      return undefined
    },
  } as unknown as CacheStorage
  /** URLs stored in a cache, path and query only. */
  const urls = (name: string) =>
    [...(caches.get(name)?.entries.keys() ?? [])].map((url) => new URL(url).pathname + new URL(url).search)
  return { storage, state, urls }
}
