import { describe, expect, it } from 'vitest'
import { ImageStore, PixstoreDatabase, PixstoreError, type ImageStoreChange } from '../../src/core'
import { testDatabase } from '../support/testDatabase'

const cipher = (length: number, fill = 1) => new Uint8Array(length).fill(fill)

async function filledStore(count: number, options: ConstructorParameters<typeof ImageStore>[0] = {}) {
  let clock = 1_000
  const { db, calls } = await testDatabase()
  const store = new ImageStore({ database: db, now: () => clock, touchDelay: 10_000, ...options })
  await db.images.bulkPut(
    Array.from({ length: count }, (_, i) => ({
      id: `e${i}`,
      token: 1,
      encrypted: cipher(10),
      bytes: 10 + (i % 3),
      lastUsed: i,
    })),
  )
  return { store, db, calls, tick: (ms = 1) => (clock += ms) }
}

describe('ImageStore', () => {
  it('batches reads made together into one transaction', async () => {
    const { store, calls } = await filledStore(200)
    const before = { ...calls }
    const rows = await Promise.all(Array.from({ length: 100 }, (_, i) => store.get(`e${i}`)))
    expect(rows.map((r) => r?.id)).toEqual(Array.from({ length: 100 }, (_, i) => `e${i}`))
    expect(calls.reads - before.reads).toBe(1)
    expect(calls.transactions - before.transactions).toBe(1)
    expect(await store.get('missing')).toBeUndefined()
  })

  it('batches writes made together into one transaction', async () => {
    const { store, db, calls } = await filledStore(0)
    const before = { ...calls }
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => store.put({ id: `w${i}`, token: 1, encrypted: cipher(8) })),
    )
    expect(calls.writes - before.writes).toBe(1)
    expect(await db.images.count()).toBe(100)
  })

  it('stores a copy that owns its buffer', async () => {
    const { store, db } = await filledStore(0)
    const wire = Uint8Array.from({ length: 100 }, (_, i) => i)
    await store.put({ id: 'a', token: 5, encrypted: wire.subarray(60) })
    const row = await db.images.get('a')
    expect(row?.encrypted.buffer.byteLength).toBe(40)
    expect(row?.bytes).toBe(40)
    expect([...row!.encrypted]).toEqual([...wire.subarray(60)])
  })

  it('gathers lastUsed updates into one write', async () => {
    const { store, db, calls, tick } = await filledStore(50)
    tick(100_000)
    const before = calls.writes
    for (let i = 0; i < 50; i++) store.touch(`e${i}`)
    expect(calls.writes).toBe(before)
    await store.flushTouches()
    expect(calls.writes - before).toBe(1)
    expect((await db.images.get('e3'))?.lastUsed).toBe(101_000)
  })

  it('evicts least recently used entries by count at a few thousand entries', async () => {
    const { store, db } = await filledStore(3000, { maxEntries: 2500, evictionBatch: 100 })
    const changes: ImageStoreChange[] = []
    store.subscribe((change) => changes.push(change))
    const evicted = await store.evict()
    expect(evicted).toHaveLength(600)
    expect(evicted[0]).toBe('e0')
    expect(await db.images.count()).toBe(2400)
    expect(await db.images.get('e599')).toBeUndefined()
    expect(await db.images.get('e600')).toBeDefined()
    expect(changes).toEqual([{ type: 'evict', ids: evicted }])
  })

  it('evicts by bytes, reading sizes from the index', async () => {
    const { store } = await filledStore(3000, { maxBytes: 20_000, maxEntries: 10_000 })
    const before = await store.stats()
    expect(before.entries).toBe(3000)
    expect(before.bytes).toBe(1000 * 10 + 1000 * 11 + 1000 * 12)
    await store.evict()
    const after = await store.stats()
    expect(after.bytes).toBeLessThanOrEqual(20_000)
    expect(after.bytes).toBeGreaterThan(20_000 - 12)
  })

  it('keeps a touched entry over older ones', async () => {
    const { store, db, tick } = await filledStore(10, { maxEntries: 9 })
    tick(100)
    store.touch('e0')
    await store.evict()
    expect(await db.images.get('e0')).toBeDefined()
    expect(await db.images.get('e1')).toBeUndefined()
  })

  it('enforces limits after each write', async () => {
    const { store, db } = await filledStore(5, { maxEntries: 5 })
    await store.put({ id: 'new', token: 1, encrypted: cipher(4) })
    await expect.poll(() => db.images.count()).toBe(5)
    expect(await db.images.get('e0')).toBeUndefined()
    expect(await db.images.get('new')).toBeDefined()
  })

  it('evicts and retries once on QuotaExceededError', async () => {
    let failures = 0
    const { db } = await testDatabase({
      fault: (type) => {
        if (type === 'put' && failures-- > 0) throw new DOMException('full', 'QuotaExceededError')
      },
    })
    const store = new ImageStore({ database: db })
    await db.images.bulkPut(
      Array.from({ length: 20 }, (_, i) => ({
        id: `o${i}`,
        token: 1,
        encrypted: cipher(8),
        bytes: 8,
        lastUsed: i,
      })),
    )
    failures = 1
    await store.put({ id: 'big', token: 1, encrypted: cipher(8) })
    expect(await db.images.get('big')).toBeDefined()
    expect(await db.images.get('o0')).toBeUndefined()
  })

  it('gives a storage error when the retry fails too', async () => {
    const { db } = await testDatabase({
      fault: (type) => {
        if (type === 'put') throw new DOMException('full', 'QuotaExceededError')
      },
    })
    const store = new ImageStore({ database: db })
    await expect(store.put({ id: 'x', token: 1, encrypted: cipher(8) })).rejects.toMatchObject({
      code: 'storage',
    })
    await expect(store.put({ id: 'x', token: 1, encrypted: cipher(8) })).rejects.toBeInstanceOf(PixstoreError)
  })

  it('answers has, delete and clear, and reports them', async () => {
    const { store } = await filledStore(3)
    const changes: ImageStoreChange[] = []
    store.subscribe((change) => changes.push(change))
    expect(await store.has('e1')).toBe(true)
    await store.delete('e1')
    expect(await store.has('e1')).toBe(false)
    await store.clear()
    expect(await store.stats()).toEqual({ entries: 0, bytes: 0 })
    expect(changes).toEqual([
      { type: 'delete', ids: ['e1'] },
      { type: 'clear', ids: [] },
    ])
  })
})

describe('ImageStore: versions move forward, and deletes and clears win over queued writes', () => {
  it('keeps the newer version when an older one is written after it, or in the same batch', async () => {
    const { store, db } = await filledStore(0)
    await store.put({ id: 'a', token: 5, encrypted: cipher(8, 5) })
    await store.put({ id: 'a', token: 3, encrypted: cipher(8, 3) })
    expect((await db.images.get('a'))?.token).toBe(5)
    await Promise.all([
      store.put({ id: 'b', token: 9, encrypted: cipher(8, 9) }),
      store.put({ id: 'b', token: 2, encrypted: cipher(8, 2) }),
    ])
    expect((await db.images.get('b'))?.encrypted[0]).toBe(9)
    // The same token again is written (a fresh copy after a damaged entry was dropped).
    await store.put({ id: 'a', token: 5, encrypted: cipher(8, 6) })
    expect((await db.images.get('a'))?.encrypted[0]).toBe(6)
  })

  it('drops a write queued before clear() or delete() in the same task', async () => {
    const { store, db } = await filledStore(0)
    const put = store.put({ id: 'x', token: 1, encrypted: cipher(8) })
    const cleared = store.clear()
    await Promise.all([put, cleared])
    const other = store.put({ id: 'y', token: 1, encrypted: cipher(8) })
    const deleted = store.delete('y')
    await Promise.all([other, deleted])
    // A later write lands, so the two above had their turn.
    await store.put({ id: 'z', token: 1, encrypted: cipher(8) })
    expect(await db.images.toCollection().primaryKeys()).toEqual(['z'])
  })
})

describe('ImageStore on a database that cannot open', () => {
  it('fails every operation with a storage error that says which, and keeps the cause', async () => {
    const { IDBFactory, IDBKeyRange } = await import('fake-indexeddb')
    const factory = new IDBFactory()
    const broken = new DOMException('The disk is gone', 'UnknownError')
    factory.open = () => {
      throw broken
    }
    const store = new ImageStore({
      database: new PixstoreDatabase(`broken-${Date.now()}`, { indexedDB: factory, IDBKeyRange }),
    })
    const failure = (what: string) => ({ name: 'PixstoreError', code: 'storage', message: `${what} failed` })
    await expect(store.get('a')).rejects.toMatchObject(failure('Reading the image cache'))
    await expect(store.put({ id: 'a', token: 1, encrypted: cipher(4) })).rejects.toMatchObject(
      failure('Writing the image cache'),
    )
    store.touch('a')
    await expect(store.flushTouches()).rejects.toMatchObject(failure('Updating lastUsed'))
    await expect(store.delete('a')).rejects.toMatchObject(failure('Deleting from the image cache'))
    await expect(store.has('a')).rejects.toMatchObject(failure('Reading the image cache'))
    await expect(store.clear()).rejects.toMatchObject(failure('Clearing the image cache'))
    await expect(store.stats()).rejects.toMatchObject({
      ...failure('Reading cache stats'),
      cause: expect.anything(),
    })
  })
})
