import { imageUrl, LruMap } from '../protocol/index.js'

/** One cached version: the id and token an image URL stands for. */
interface Version {
  id: string
  token: number
}

/**
 * The worker's Cache Storage of ciphertext, one version per id. Versions only move forward,
 * stores of one id run one at a time, and at most `maxEntries` URLs are kept, least recently
 * used first out. Recency lives in memory only (rebuilt from the cache's insertion order
 * when the worker starts), so no list of viewed images is ever written anywhere else.
 */
export class EncryptedCache {
  /** URLs in the cache, least recently used first; loaded once per worker lifetime. */
  private index: Promise<LruMap<Version>> | undefined
  /** The last store of each id, so the next one waits for it. */
  private readonly stores = new Map<string, Promise<unknown>>()
  private clears = 0

  constructor(
    private readonly caches: CacheStorage,
    readonly name: string,
    private readonly prefix: string,
    private readonly maxEntries: number,
  ) {}

  /** Deletes the kit's caches of other versions (`pixstore-*` under another name). */
  async deleteOtherVersions(): Promise<void> {
    const names = await this.caches.keys()
    await Promise.all(
      names.filter((n) => n.startsWith('pixstore-') && n !== this.name).map((n) => this.caches.delete(n)),
    )
  }

  /** Counts clears: a store begun before one is dropped. */
  get epoch(): number {
    return this.clears
  }

  /** The ciphertext stored under `url`, marked as used. */
  async match(url: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
    const hit = await this.caches.match(url, { cacheName: this.name })
    if (!hit) return undefined
    void this.load().then((index) => index.get(url))
    return new Uint8Array(await hit.arrayBuffer())
  }

  /**
   * Stores version `token` of `id` and removes its older versions, unless a newer one is
   * cached or the cache was cleared since `epoch`. Resolves whether it was stored: a refused
   * write (a full disk) costs the cache, never the caller.
   */
  put(id: string, token: number, encrypted: Uint8Array<ArrayBuffer>, epoch: number): Promise<boolean> {
    const previous = this.stores.get(id) ?? Promise.resolve()
    const stored = previous.then(() => this.store(id, token, encrypted, epoch)).catch(() => false)
    this.stores.set(id, stored)
    // Stryker disable next-line ArrowFunction,ConditionalExpression: forgetting a finished chain only frees memory; keeping a newer one is tested
    void stored.then(() => this.stores.get(id) === stored && this.stores.delete(id))
    return stored
  }

  private async store(id: string, token: number, encrypted: Uint8Array<ArrayBuffer>, epoch: number) {
    if (epoch !== this.clears) return false
    const index = await this.load()
    const versions = [...index].filter(([, version]) => version.id === id)
    if (epoch !== this.clears || versions.some(([, version]) => version.token > token)) return false
    const url = imageUrl(id, token, this.prefix)
    const cache = await this.caches.open(this.name)
    await cache.put(url, new Response(encrypted, { headers: { 'Content-Type': 'application/octet-stream' } }))
    if (epoch !== this.clears) {
      // Cleared while writing: the clear deleted the cache; this entry must not outlive it.
      await cache.delete(url)
      return false
    }
    for (const [old] of versions) if (old !== url) await this.remove(cache, index, old)
    for (const evicted of index.set(url, { id, token })) await cache.delete(evicted)
    return true
  }

  /** The newest cached token of `id`, if any. */
  async newest(id: string): Promise<number | undefined> {
    let newest: number | undefined
    for (const [, version] of await this.load())
      // Stryker disable next-line EqualityOperator: two entries of one id never share a token (they would share a URL)
      if (version.id === id && (newest === undefined || version.token > newest)) newest = version.token
    return newest
  }

  /** Removes every version of `id`. */
  async drop(id: string): Promise<void> {
    const index = await this.load()
    const cache = await this.caches.open(this.name)
    for (const [url, version] of index) if (version.id === id) await this.remove(cache, index, url)
  }

  /** Deletes the whole cache and forgets its index; stores in progress are dropped. */
  async clear(): Promise<void> {
    this.clears++
    this.index = undefined
    await this.caches.delete(this.name)
  }

  private async remove(cache: Cache, index: LruMap<Version>, url: string): Promise<void> {
    index.delete(url)
    await cache.delete(url)
  }

  private load(): Promise<LruMap<Version>> {
    const loading = (this.index ??= (async () => {
      const index = new LruMap<Version>(this.maxEntries)
      const cache = await this.caches.open(this.name)
      for (const request of await cache.keys()) {
        const url = new URL(request.url)
        const id = decodeURIComponent(url.pathname.slice(this.prefix.length + 1))
        const version = { id, token: Number(url.searchParams.get('t')) }
        // Past a lowered maxEntries, the oldest leave the cache as the index is rebuilt.
        for (const evicted of index.set(url.pathname + url.search, version)) await cache.delete(evicted)
      }
      return index
    })())
    // A failed read is tried again next time rather than kept.
    loading.catch(() => {
      // Stryker disable next-line ConditionalExpression: a newer index dropped with it would only be read again
      if (this.index === loading) this.index = undefined
    })
    return loading
  }
}
