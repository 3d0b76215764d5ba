// The worker's Cache Storage of ciphertext, in Node over an in-memory CacheStorage.
import { describe, expect, it } from 'vitest'
import { EncryptedCache } from '../../src/worker/EncryptedCache'
import { SW_CACHE_NAME, SW_PREFIX } from '../../src/protocol'
import { memoryCaches } from '../support/memoryCaches'

const bytes = (n: number) => new Uint8Array(8).fill(n)

function setup(maxEntries = 10, caches = memoryCaches()) {
  const cache = new EncryptedCache(caches.storage, SW_CACHE_NAME, SW_PREFIX, maxEntries)
  const urls = () => caches.urls(SW_CACHE_NAME)
  return { cache, caches, urls }
}

describe('EncryptedCache', () => {
  it('keeps one version per id, moving forward only', async () => {
    const { cache, urls } = setup()
    expect(await cache.put('a', 2, bytes(2), cache.epoch)).toBe(true)
    expect(await cache.put('b', 1, bytes(1), cache.epoch)).toBe(true)
    expect(await cache.put('a', 3, bytes(3), cache.epoch)).toBe(true)
    expect(urls()).toEqual(['/_img/b?t=1', '/_img/a?t=3'])
    expect(await cache.put('a', 1, bytes(1), cache.epoch)).toBe(false)
    // The same version again is written anew.
    expect(await cache.put('a', 3, bytes(4), cache.epoch)).toBe(true)
    expect(urls()).toEqual(['/_img/b?t=1', '/_img/a?t=3'])
    expect(await cache.match('/_img/a?t=3')).toEqual(bytes(4))
    expect(await cache.newest('a')).toBe(3)
    expect(await cache.newest('b')).toBe(1)
    expect(await cache.newest('c')).toBeUndefined()
  })

  it('stores ciphertext as an opaque body', async () => {
    const { cache, caches } = setup()
    await cache.put('a', 1, bytes(1), cache.epoch)
    const stored = await caches.storage.match('/_img/a?t=1', { cacheName: SW_CACHE_NAME })
    expect(stored?.headers.get('content-type')).toBe('application/octet-stream')
  })

  it('drops every version of one id, and nothing else', async () => {
    const { cache, urls } = setup()
    await cache.put('a', 1, bytes(1), cache.epoch)
    await cache.put('ab', 1, bytes(1), cache.epoch)
    await cache.drop('a')
    expect(urls()).toEqual(['/_img/ab?t=1'])
    expect(await cache.newest('a')).toBeUndefined()
  })

  it('refuses a store begun before a clear, and the clear deletes the cache', async () => {
    const { cache, caches } = setup()
    const before = cache.epoch
    await cache.put('a', 1, bytes(1), before)
    await cache.clear()
    expect(cache.epoch).toBe(before + 1)
    expect(await caches.storage.has(SW_CACHE_NAME)).toBe(false)
    expect(await cache.put('b', 1, bytes(1), before)).toBe(false)
    expect(await caches.storage.has(SW_CACHE_NAME)).toBe(false)
    expect(await cache.put('b', 1, bytes(1), cache.epoch)).toBe(true)
  })

  it('keeps at most maxEntries, the least recently used going first', async () => {
    const { cache, urls } = setup(2)
    await cache.put('a', 1, bytes(1), cache.epoch)
    await cache.put('b', 1, bytes(1), cache.epoch)
    // A read makes `a` the most recent (the index is updated once it is loaded).
    await cache.match('/_img/a?t=1')
    await cache.newest('a')
    await cache.put('c', 1, bytes(1), cache.epoch)
    expect(urls()).toEqual(['/_img/a?t=1', '/_img/c?t=1'])
    expect(await cache.match('/_img/b?t=1')).toBeUndefined()
  })

  it('after a restart rebuilds its index from the cache, ids with escaped characters included', async () => {
    const caches = memoryCaches()
    const first = setup(2, caches).cache
    await first.put('x:1', 4, bytes(4), first.epoch)
    await first.put('y@2', 1, bytes(1), first.epoch)
    const { cache, urls } = setup(2, caches)
    expect(await cache.newest('x:1')).toBe(4)
    expect(await cache.put('x:1', 3, bytes(3), cache.epoch)).toBe(false)
    await cache.put('z', 1, bytes(1), cache.epoch)
    // Insertion order stood for recency: the oldest entry made room.
    expect(urls()).toEqual(['/_img/y%402?t=1', '/_img/z?t=1'])
  })

  it('answers false when the disk refuses the write, and tries its index again after a failed read', async () => {
    const caches = memoryCaches()
    caches.state.refusePuts = true
    const { cache, urls } = setup(10, caches)
    expect(await cache.put('a', 1, bytes(1), cache.epoch)).toBe(false)
    caches.state.refusePuts = false
    expect(await cache.put('a', 1, bytes(1), cache.epoch)).toBe(true)
    expect(urls()).toEqual(['/_img/a?t=1'])

    // The index read fails once (the storage is gone for a moment): the next call reads it again.
    const flaky = memoryCaches()
    const open = flaky.storage.open.bind(flaky.storage)
    let failures = 1
    flaky.storage.open = (name: string) => (failures-- > 0 ? Promise.reject(new Error('gone')) : open(name))
    const again = setup(10, flaky).cache
    expect(await again.put('b', 1, bytes(1), again.epoch)).toBe(false)
    expect(await again.put('b', 1, bytes(1), again.epoch)).toBe(true)
  })

  it('reads only its own cache, and takes the newest of versions a crash left behind', async () => {
    const { cache, caches } = setup()
    const other = await caches.storage.open('someone-else')
    await other.put('/_img/a?t=1', new Response(bytes(1)))
    expect(await cache.match('/_img/a?t=1')).toBeUndefined()
    // A worker stopped between writing a version and removing the older one.
    const own = await caches.storage.open(SW_CACHE_NAME)
    for (const token of [1, 3, 2]) await own.put(`/_img/b?t=${token}`, new Response(bytes(token)))
    expect(await setup(10, caches).cache.newest('b')).toBe(3)
  })

  it('writes nothing when a clear comes while it reads its index, and keeps nothing written during a clear', async () => {
    const caches = memoryCaches()
    const { cache, urls } = setup(10, caches)
    let open = () => undefined as void
    caches.state.holdOpens = new Promise((resolve) => (open = resolve))
    const first = cache.put('a', 1, bytes(1), cache.epoch)
    await expect.poll(() => caches.state.opens).toBe(1)
    const clearing = cache.clear()
    open()
    expect(await first).toBe(false)
    await clearing
    expect(caches.state.puts).toBe(0)

    // The index is loaded; the clear comes while the write opens the cache.
    expect(await cache.put('b', 1, bytes(1), cache.epoch)).toBe(true)
    const opens = caches.state.opens
    caches.state.holdOpens = new Promise((resolve) => (open = resolve))
    const second = cache.put('c', 1, bytes(1), cache.epoch)
    await expect.poll(() => caches.state.opens).toBe(opens + 1)
    const cleared = cache.clear()
    open()
    expect(await second).toBe(false)
    await cleared
    expect(urls()).toEqual([])
  })

  it('runs the stores of one id one after another, however they arrive', async () => {
    const caches = memoryCaches()
    const { cache, urls } = setup(10, caches)
    let release = () => undefined as void
    caches.state.holdPuts = new Promise((resolve) => (release = resolve))
    const first = cache.put('a', 1, bytes(1), cache.epoch)
    const second = cache.put('a', 2, bytes(2), cache.epoch)
    await expect.poll(() => caches.state.puts).toBe(1)
    release()
    await first
    // The second is running now; a third arrives and must wait for it.
    const third = cache.put('a', 3, bytes(3), cache.epoch)
    expect(await Promise.all([second, third])).toEqual([true, true])
    expect(urls()).toEqual(['/_img/a?t=3'])
  })
})
