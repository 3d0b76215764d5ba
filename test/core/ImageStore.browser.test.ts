import { Dexie } from 'dexie'
import { describe, expect, it } from 'vitest'
import { createImageService, ImageStore, PixstoreDatabase } from '../../src/core/internal'
import { createMemoryBackend } from '../../src/testing'
import { openOldConnection, writeLegacyDatabase } from '../support/legacyDatabase'
import { putEntries, testDatabase } from '../support/testDatabase'

describe('ImageStore in Chromium IndexedDB', () => {
  it('stores the bytes of a view, not the buffer around it, which may hold a key', async () => {
    const { db } = await testDatabase()
    const store = new ImageStore({ database: db })
    // An Updated answer: a key in front of the ciphertext, in one buffer.
    const wire = new Uint8Array(100).fill(0x4b)
    wire.fill(0xc1, 60)
    await store.put({ id: 'a', token: 1, encrypted: wire.subarray(60) })
    const row = await db.images.get('a')
    expect(row?.encrypted.buffer.byteLength).toBe(40)
    expect([...new Uint8Array(row!.encrypted.buffer)].every((byte) => byte === 0xc1)).toBe(true)
    await db.delete()
  })

  it('evicts by count and bytes at 3000 entries, reading index keys only', async () => {
    const { db, calls } = await testDatabase()
    await putEntries(
      db,
      Array.from({ length: 3000 }, (_, i) => ({
        id: `e${i}`,
        token: 1,
        encrypted: new Uint8Array(64).fill(i % 256),
        lastUsed: i,
      })),
    )
    const store = new ImageStore({ database: db, maxEntries: 2000, maxBytes: 64 * 1500 })
    const before = { ...calls }
    const evicted = await store.evict()
    expect(evicted).toHaveLength(1500)
    expect(evicted.slice(0, 3)).toEqual(['e0', 'e1', 'e2'])
    // Eviction walks key cursors: no value is read.
    expect(calls.reads).toBe(before.reads)
    expect(calls.valueCursors).toBe(before.valueCursors)
    await db.images.each(() => undefined)
    expect(calls.valueCursors).toBe(before.valueCursors + 1)
    expect(await store.stats()).toEqual({ entries: 1500, bytes: 64 * 1500 })
    await db.delete()
  })

  it('drops entries a pixstore 3 frontend left in a database of the same name', async () => {
    const name = `legacy-${Date.now()}`
    await writeLegacyDatabase(indexedDB, name)
    const db = new PixstoreDatabase(name)
    expect(await db.images.count()).toBe(0)
    const backend = createMemoryBackend()
    const service = createImageService({ fetcher: backend.fetcher, cache: { database: db } })
    const record = await backend.save(new Uint8Array([1, 2, 3]), 'png')
    await service.getImage(record)
    expect(await service.stats()).toEqual({ entries: 1, bytes: 4 })
    await db.delete()
  })

  it('lets another connection upgrade the database without hanging, and keeps serving', async () => {
    const { db } = await testDatabase()
    const backend = createMemoryBackend()
    const service = createImageService({ fetcher: backend.fetcher, cache: { database: db } })
    const record = await backend.save(new Uint8Array([5, 6, 7]), 'png')
    await service.getImage(record)
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open(db.name, db.verno * 10 + 10)
      open.onsuccess = () => (open.result.close(), resolve())
      open.onerror = () => reject(open.error)
      open.onblocked = () => reject(new Error('blocked by the open store'))
    })
    // The schema moved on under it: the cache is unusable, the image still comes from the network.
    const blob = await service.getImage(record)
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(new Uint8Array([5, 6, 7]))
  })
})

describe('ImageStore blocked by another connection', () => {
  it('fails over to the network instead of hanging when an old connection blocks the upgrade', async () => {
    const name = `blocked-${Date.now()}`
    const old = await openOldConnection(indexedDB, name)
    const backend = createMemoryBackend()
    const errors: string[] = []
    const service = createImageService({
      fetcher: backend.fetcher,
      cache: { dbName: name, openTimeout: 200 },
      onError: (error) => errors.push(error.code),
    })
    const record = await backend.save(new Uint8Array([9, 8, 7]), 'png')
    const blob = await service.getImage(record)
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(new Uint8Array([9, 8, 7]))
    expect(errors).toContain('storage')
    old.close()
    // Once the old tab is gone, the cache works again.
    await expect
      .poll(async () => (await service.stats().catch(() => null))?.entries ?? -1)
      .toBeGreaterThanOrEqual(0)
    await service.getImage(record)
    expect(await service.cachedImageExists(record.id)).toBe(true)
    await service.close()
    await Dexie.delete(name)
  })
})
