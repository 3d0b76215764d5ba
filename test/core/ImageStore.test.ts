import { Dexie } from 'dexie'
import { describe, expect, it, vi } from 'vitest'
import { ImageStore, PixstoreDatabase, PixstoreError, type ImageStoreChange } from '../../src/core/internal'
import { openOldConnection, writeLegacyDatabase } from '../support/legacyDatabase'
import { putEntries, testDatabase } from '../support/testDatabase'

const cipher = (length: number, fill = 1) => new Uint8Array(length).fill(fill)

async function filledStore(count: number, options: ConstructorParameters<typeof ImageStore>[0] = {}) {
  let clock = 1_000
  const { db, calls } = await testDatabase()
  const store = new ImageStore({ database: db, now: () => clock, touchDelay: 10_000, ...options })
  await putEntries(
    db,
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
    expect(calls.reads - before.reads).toBe(100)
    expect(calls.transactions - before.transactions).toBe(1)
    expect(await store.get('missing')).toBeUndefined()
  })

  it('lists the most recently used entries first, without their ciphertext', async () => {
    const { store } = await filledStore(5)
    const entries = await store.liveEntries(3)
    expect(entries.map((e) => e.id)).toEqual(['e4', 'e3', 'e2'])
    expect(Object.keys(entries[0]!).sort()).toEqual(['bytes', 'id', 'lastUsed', 'token'])
    expect(entries[0]!.bytes).toBeGreaterThan(0)
  })

  it('answers each read of a batch as it lands, not when the last one has', async () => {
    const { store } = await filledStore(100)
    const rows = Array.from({ length: 100 }, (_, i) => store.get(`e${i}`))
    let lastLanded = false
    void rows[99]!.then(() => (lastLanded = true))
    expect((await rows[0])?.id).toBe('e0')
    // A few turns of the microtask queue: reads answered together would all be in by now.
    for (let turn = 0; turn < 5; turn++) await Promise.resolve()
    expect(lastLanded).toBe(false)
    expect((await rows[99])?.id).toBe('e99')
  })

  it('batches writes made together into one transaction', async () => {
    const { store, db, calls } = await filledStore(0)
    const before = { ...calls }
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => store.put({ id: `w${i}`, token: 1, encrypted: cipher(8) })),
    )
    expect(calls.imageWrites - before.imageWrites).toBe(1)
    expect(await db.images.count()).toBe(100)
  })

  it('stores a copy that owns its buffer', async () => {
    const { store, db } = await filledStore(0)
    const wire = Uint8Array.from({ length: 100 }, (_, i) => i)
    await store.put({ id: 'a', token: 5, encrypted: wire.subarray(60) })
    const row = await db.images.get('a')
    expect(row?.encrypted.buffer.byteLength).toBe(40)
    expect((await db.usage.get('a'))?.bytes).toBe(40)
    expect([...row!.encrypted]).toEqual([...wire.subarray(60)])
  })

  it('gathers lastUsed updates into one write', async () => {
    const { store, db, calls, tick } = await filledStore(50)
    tick(100_000)
    const before = calls.writes
    for (let i = 0; i < 50; i++) store.touch(`e${i}`)
    expect(calls.writes).toBe(before)
    const imageWrites = calls.imageWrites
    await store.flush()
    expect(calls.writes - before).toBe(1)
    expect((await db.usage.get('e3'))?.lastUsed).toBe(101_000)
    // A use rewrites the few bytes of its usage row, never the ciphertext beside it.
    expect(calls.imageWrites).toBe(imageWrites)
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
    await putEntries(
      db,
      Array.from({ length: 20 }, (_, i) => ({ id: `o${i}`, token: 1, encrypted: cipher(8), lastUsed: i })),
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
    await expect(store.put({ id: 'x', token: 1, encrypted: cipher(8) })).rejects.toMatchObject({
      message: 'Writing the image cache after eviction failed',
      cause: expect.anything(),
    })
  })

  it('answers has, delete and clear, and reports them', async () => {
    const { store, db } = await filledStore(3)
    const changes: ImageStoreChange[] = []
    store.subscribe((change) => changes.push(change))
    expect(await store.has('e1')).toBe(true)
    await store.delete('e1')
    expect(await store.has('e1')).toBe(false)
    // Its usage row goes with it: the LRU neither counts nor evicts an entry that is gone.
    expect(await db.usage.toCollection().primaryKeys()).toEqual(['e0', 'e2'])
    await store.clear()
    expect(await store.stats()).toEqual({ entries: 0, bytes: 0 })
    expect(await db.images.count()).toBe(0)
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

describe('ImageStore: rows asked for while a write runs land together in the next one', () => {
  /** A store whose first write is held until `release()`: an old connection blocks the open. */
  async function heldStore() {
    const { db, calls } = await testDatabase()
    const { indexedDB } = await import('fake-indexeddb')
    const old = await openOldConnection(indexedDB, db.name)
    return { store: new ImageStore({ database: db }), db, calls, release: () => old.close() }
  }
  const nextTask = () => new Promise((resolve) => setTimeout(resolve))

  it('writes the rows of later tasks in one transaction after the running one', async () => {
    const { store, db, calls, release } = await heldStore()
    const puts = [store.put({ id: 'a', token: 1, encrypted: cipher(4) })]
    await nextTask()
    puts.push(store.put({ id: 'b', token: 1, encrypted: cipher(4) }))
    await nextTask()
    puts.push(store.put({ id: 'c', token: 2, encrypted: cipher(4, 2) }))
    puts.push(store.put({ id: 'c', token: 1, encrypted: cipher(4, 1) }))
    await nextTask()
    release()
    await Promise.all(puts)
    // The upgrade past the old connection's version clears the store: one write, then two.
    expect(calls.imageWrites).toBe(1 + 2)
    expect(await db.images.toCollection().primaryKeys()).toEqual(['a', 'b', 'c'])
    expect((await db.images.get('c'))?.token).toBe(2)
  })

  it('lets a delete drop a waiting row, and flush() write the waiting rows at once', async () => {
    const { store, db, release } = await heldStore()
    const first = store.put({ id: 'a', token: 1, encrypted: cipher(4) })
    await nextTask()
    const dropped = store.put({ id: 'b', token: 1, encrypted: cipher(4) })
    const waiting = store.put({ id: 'c', token: 1, encrypted: cipher(4) })
    await nextTask()
    const deleted = store.delete('b')
    const flushed = store.flush()
    release()
    await flushed
    // Read in a transaction opened before the running write ends: it sees only what flush() started.
    expect(await db.images.toCollection().primaryKeys()).toEqual(['a', 'c'])
    await Promise.all([first, dropped, waiting, deleted])
    await store.put({ id: 'd', token: 1, encrypted: cipher(4) })
    expect(await db.images.toCollection().primaryKeys()).toEqual(['a', 'c', 'd'])
  })

  it('lets a clear (a logout) drop both the running write and the rows waiting for it', async () => {
    const { store, db, release } = await heldStore()
    const running = store.put({ id: 'a', token: 1, encrypted: cipher(4) })
    await nextTask()
    const waiting = store.put({ id: 'b', token: 1, encrypted: cipher(4) })
    await nextTask()
    const cleared = store.clear()
    release()
    await Promise.all([running, waiting, cleared])
    await store.flush()
    expect(await db.images.count()).toBe(0)
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
    await expect(store.delete('a')).rejects.toMatchObject(failure('Deleting from the image cache'))
    await expect(store.has('a')).rejects.toMatchObject(failure('Reading the image cache'))
    await expect(store.clear()).rejects.toMatchObject(failure('Clearing the image cache'))
    await expect(store.evict()).rejects.toMatchObject(failure('Evicting from the image cache'))
    await expect(store.stats()).rejects.toMatchObject({
      ...failure('Reading cache stats'),
      cause: expect.anything(),
    })
  })
})

/** A store over `count` rows of 8 bytes, o0 the oldest, whose writes fail as `fault` says. */
async function faultyStore(
  count: number,
  fault: () => unknown,
  options: ConstructorParameters<typeof ImageStore>[0] = {},
) {
  let failures = 0
  const { db } = await testDatabase({
    fault: (type) => {
      if (type === 'put' && failures-- > 0) throw fault()
    },
  })
  const store = new ImageStore({ database: db, ...options })
  await putEntries(
    db,
    Array.from({ length: count }, (_, i) => ({
      id: `o${i}`,
      token: 1,
      encrypted: cipher(8),
      bytes: 8,
      lastUsed: i,
    })),
  )
  return {
    store,
    db,
    failNext: (n = 1) => void (failures = n),
    ids: () => db.images.toCollection().primaryKeys(),
  }
}

describe('ImageStore: a full disk and other write failures', () => {
  it("on a full disk evicts twice the batch's bytes or a tenth of the entries, whichever frees more, then retries", async () => {
    const { store, failNext, ids } = await faultyStore(
      20,
      () => new DOMException('full', 'QuotaExceededError'),
    )
    failNext()
    // Three rows of 8 bytes: 48 bytes, six entries, more than a tenth (two).
    await Promise.all(['n1', 'n2', 'n3'].map((id) => store.put({ id, token: 1, encrypted: cipher(8) })))
    const left = await ids()
    expect(left).toContain('o6')
    expect(left).not.toContain('o5')
    expect(left).toHaveLength(20 - 6 + 3)
  })

  it('finds a full disk inside a bulk error, even among other failures', async () => {
    const bulk = () =>
      new Dexie.BulkError('bulk', {
        0: new DOMException('x', 'ConstraintError'),
        1: new DOMException('full', 'QuotaExceededError'),
      })
    const { store, failNext, ids } = await faultyStore(20, bulk)
    failNext()
    await store.put({ id: 'n', token: 1, encrypted: cipher(8) })
    expect(await ids()).toContain('n')
    expect(await ids()).not.toContain('o1')
  })

  it('gives any other failure as a storage error at once, evicting nothing', async () => {
    const cause = new DOMException('broken', 'UnknownError')
    for (const fault of [() => cause, () => new Dexie.BulkError('bulk', { 0: cause })]) {
      const { store, failNext, ids } = await faultyStore(5, fault)
      failNext()
      await expect(store.put({ id: 'n', token: 1, encrypted: cipher(8) })).rejects.toMatchObject({
        code: 'storage',
        message: 'Writing the image cache failed',
      })
      expect(await ids()).toEqual(['o0', 'o1', 'o2', 'o3', 'o4'])
    }
  })
})

describe('ImageStore: options, batches and eviction runs', () => {
  it('checks its options, takes fractional delays, and opens the database it is named', () => {
    expect(() => new ImageStore({ maxBytes: 0 })).toThrow(expect.objectContaining({ code: 'invalid-option' }))
    expect(() => new ImageStore({ touchDelay: 0.5, openTimeout: 1.5 })).not.toThrow()
    expect(new ImageStore().db.name).toBe('pixstore')
    expect(new ImageStore({ dbName: 'photos' }).db.name).toBe('photos')
  })

  it('evicts a batch beyond maxEntries, never below one entry, and nothing at the limit', async () => {
    const { store, db } = await filledStore(3, { maxEntries: 3, evictionBatch: 10 })
    expect(await store.evict()).toEqual([])
    await putEntries(db, [{ id: 'late', token: 1, encrypted: cipher(8), lastUsed: 99 }])
    // Four entries over a limit of three: down to 3 - min(10, 3 - 1) = 1.
    expect(await store.evict()).toEqual(['e0', 'e1', 'e2'])
    expect(await db.images.toCollection().primaryKeys()).toEqual(['late'])
    expect(await db.usage.toCollection().primaryKeys()).toEqual(['late'])
  })

  it('shares an eviction run with a call made during it, and runs once more for it', async () => {
    const { store, db } = await filledStore(4, { maxEntries: 2 })
    let more: Promise<unknown> | undefined
    store.subscribe((change) => {
      if (change.type !== 'evict' || more) return
      // Two more rows land while the first run ends, and someone asks for eviction again.
      more = putEntries(db, [
        { id: 'x1', token: 1, encrypted: cipher(8), lastUsed: 100 },
        { id: 'x2', token: 1, encrypted: cipher(8), lastUsed: 101 },
      ])
      void store.evict()
    })
    const [first, second] = await Promise.all([store.evict(), store.evict()])
    expect(first).toBe(second)
    expect(first).toEqual(['e0', 'e1', 'e2', 'e3'])
    expect(await db.images.toCollection().primaryKeys()).toEqual(['x1', 'x2'])
  })

  it('keeps the later row of one version written twice in a task, and the newer of two', async () => {
    const { store, db } = await filledStore(0)
    await Promise.all([
      store.put({ id: 'a', token: 5, encrypted: cipher(8, 1) }),
      store.put({ id: 'a', token: 5, encrypted: cipher(8, 2) }),
      store.put({ id: 'b', token: 2, encrypted: cipher(8, 2) }),
      store.put({ id: 'b', token: 7, encrypted: cipher(8, 7) }),
    ])
    expect((await db.images.get('a'))?.encrypted[0]).toBe(2)
    expect((await db.images.get('b'))?.token).toBe(7)
  })

  it('cancels a queued write of the id it deletes only', async () => {
    const { store, db } = await filledStore(0)
    await Promise.all([
      store.put({ id: 'a', token: 1, encrypted: cipher(8) }),
      store.put({ id: 'b', token: 1, encrypted: cipher(8) }),
      store.delete('a'),
    ])
    expect(await db.images.toCollection().primaryKeys()).toEqual(['b'])
  })

  it('writes touches after touchDelay by itself, and not before', async () => {
    const { store, db, tick } = await filledStore(2)
    tick(50_000)
    const quick = new ImageStore({ database: db, touchDelay: 5, now: () => 77_000 })
    quick.touch('e0')
    await expect.poll(async () => (await db.usage.get('e0'))?.lastUsed).toBe(77_000)
    // The default delay is a second: a read asked after it, answered first, sees no touch.
    const slow = new ImageStore({ database: db, now: () => 88_000 })
    slow.touch('e1')
    expect(await slow.get('e1')).toBeDefined()
    expect((await db.usage.get('e1'))?.lastUsed).toBe(1)
    await slow.flush()
    expect((await db.usage.get('e1'))?.lastUsed).toBe(88_000)
    void store
  })

  it('stops telling a listener once it unsubscribes', async () => {
    const { store } = await filledStore(2)
    const changes: ImageStoreChange[] = []
    const unsubscribe = store.subscribe((change) => changes.push(change))
    await store.delete('e0')
    unsubscribe()
    await store.delete('e1')
    expect(changes).toEqual([{ type: 'delete', ids: ['e0'] }])
  })

  it('closes with pending touches and writes landed, and no empty transaction', async () => {
    const { store, db, calls } = await filledStore(1)
    await store.stats()
    const before = calls.transactions
    await store.close()
    expect(calls.transactions).toBe(before)
    const again = new ImageStore({ database: db, now: () => 5_000 })
    await again.stats()
    // A write queued in this task lands before close() resolves, not on a timer after it.
    const writes = calls.imageWrites
    const written = again.put({ id: 'late', token: 1, encrypted: cipher(4) })
    await again.close()
    expect(calls.imageWrites).toBe(writes + 1)
    await written
    const last = new ImageStore({ database: db, now: () => 6_000 })
    await last.stats()
    last.touch('e0')
    await last.close()
    expect(db.isOpen()).toBe(false)
    await db.open()
    expect((await db.usage.get('e0'))?.lastUsed).toBe(6_000)
    expect(await db.images.get('late')).toBeDefined()
    // A read asked in the task of close() is answered before the database closes, not on a
    // timer after it (which would open it again).
    const reader = new ImageStore({ database: db })
    const read = reader.get('e0')
    await reader.close()
    expect((await read)?.id).toBe('e0')
    expect(db.isOpen()).toBe(false)
  })
})

describe('ImageStore and other connections to its database', () => {
  it('lets another connection delete the database quietly and at once, and reopens by itself', async () => {
    const { store, db } = await filledStore(2)
    await store.stats()
    const { indexedDB } = await import('fake-indexeddb')
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    try {
      await new Promise<void>((resolve, reject) => {
        const deletion = indexedDB.deleteDatabase(db.name)
        deletion.onsuccess = () => resolve()
        deletion.onerror = () => reject(deletion.error)
      })
      expect(warn).not.toHaveBeenCalled()
    } finally {
      warn.mockRestore()
    }
    // A live query reads the database directly: it reopens as any other operation does.
    expect(await store.liveStats()).toEqual({ entries: 0, bytes: 0 })
    await store.put({ id: 'after', token: 1, encrypted: cipher(4) })
    expect(await store.stats()).toEqual({ entries: 1, bytes: 4 })
  })

  it('drops the entries a pixstore 3 frontend left in a database of the same name', async () => {
    const { indexedDB, IDBKeyRange } = await import('fake-indexeddb')
    const name = `legacy-${Date.now()}`
    await writeLegacyDatabase(indexedDB, name)
    const store = new ImageStore({ database: new PixstoreDatabase(name, { indexedDB, IDBKeyRange }) })
    expect(await store.has('old')).toBe(false)
    expect(await store.stats()).toEqual({ entries: 0, bytes: 0 })
  })

  it('keeps the entries of a version 2 database, their size and last use moved beside them', async () => {
    const { indexedDB, IDBKeyRange } = await import('fake-indexeddb')
    const name = `version2-${Date.now()}`
    const old = new Dexie(name, { indexedDB, IDBKeyRange })
    old.version(2).stores({ images: 'id, [lastUsed+bytes]' })
    await old.table('images').bulkPut([
      { id: 'a', token: 1, encrypted: cipher(10), bytes: 10, lastUsed: 5 },
      { id: 'b', token: 2, encrypted: cipher(12), bytes: 12, lastUsed: 9 },
    ])
    old.close()
    const store = new ImageStore({
      database: new PixstoreDatabase(name, { indexedDB, IDBKeyRange }),
      maxEntries: 1,
    })
    expect(await store.get('a')).toMatchObject({ token: 1, encrypted: cipher(10) })
    expect(await store.liveEntries(5)).toEqual([
      { id: 'b', token: 2, bytes: 12, lastUsed: 9 },
      { id: 'a', token: 1, bytes: 10, lastUsed: 5 },
    ])
    expect(await store.stats()).toEqual({ entries: 2, bytes: 22 })
    expect(await store.evict()).toEqual(['a'])
    expect(await store.has('a')).toBe(false)
  })

  it('gives up opening after openTimeout when an old connection blocks the upgrade, saying so', async () => {
    const { indexedDB, IDBKeyRange } = await import('fake-indexeddb')
    const name = `blocked-${Date.now()}`
    const old = await openOldConnection(indexedDB, name)
    const store = new ImageStore({
      database: new PixstoreDatabase(name, { indexedDB, IDBKeyRange }),
      openTimeout: 30,
    })
    await expect(store.stats()).rejects.toMatchObject({
      code: 'storage',
      message: 'The image cache did not open in 30 ms',
    })
    old.close()
    await expect.poll(async () => (await store.stats().catch(() => null))?.entries).toBe(0)
  })
})
