import { describe, expect, it, vi } from 'vitest'
import {
  createImageService,
  PixstoreDatabase,
  WireState,
  type DownloadProgress,
  type ImageFetcher,
  type ImageRecord,
  type PixstoreConfig,
  type PixstoreError,
} from '../../src/core/internal'
import { createMemoryBackend, encodeWirePayload } from '../../src/testing'
import { memoryLocks } from '../support/memoryLocks'
import { manualTasks } from '../support/manualTasks'
import { hasSettled, holdWrites, putEntries, testDatabase } from '../support/testDatabase'
import { UNTIL } from '../support/hang'

const png = Uint8Array.from({ length: 2048 }, (_, i) => (i * 7) % 256)

async function setup(config: Partial<PixstoreConfig> = {}, wrap?: (inner: ImageFetcher) => ImageFetcher) {
  const backend = createMemoryBackend()
  const { db, calls } = await testDatabase()
  const fetched: string[] = []
  const inner: ImageFetcher = (record, context, signal) => {
    fetched.push(record.id)
    return backend.fetcher(record, context, signal)
  }
  const errors: PixstoreError[] = []
  const service = createImageService({
    fetcher: wrap ? wrap(inner) : inner,
    cache: { database: db },
    onError: (error) => errors.push(error),
    ...config,
  })
  return { backend, service, db, calls, fetched, errors }
}

const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer())

/** WebCrypto whose decryptions run at once but answer only when the test releases them. */
function heldDecrypts() {
  const held: Array<{ done: Promise<ArrayBuffer>; release: () => void }> = []
  const subtle = globalThis.crypto.subtle
  const crypto = {
    subtle: new Proxy(subtle, {
      get: (target, name) =>
        name === 'decrypt'
          ? (...args: Parameters<SubtleCrypto['decrypt']>) =>
              new Promise((resolve) => {
                const done = target.decrypt(...args)
                held.push({ done, release: () => resolve(done) })
              })
          : (Reflect.get(target, name) as unknown as () => unknown).bind(target),
    }),
  } as unknown as Crypto
  return { crypto, held }
}

describe('createImageService', () => {
  it('fetches, decrypts and caches; the second view uses no network', async () => {
    const { backend, service, fetched, db } = await setup()
    const record = await backend.save(png, 'jpg')
    const first = await service.getImage(record)
    expect(first.type).toBe('image/jpeg')
    expect(await bytesOf(first)).toEqual(png)
    expect(await db.usage.get(record.id)).toMatchObject({ token: record.token, bytes: png.length + 1 })
    const second = await service.getImage(record)
    expect(await bytesOf(second)).toEqual(png)
    expect(fetched).toEqual([record.id])
    expect(await service.cachedImageExists(record.id)).toBe(true)
  })

  it('takes token and meta from an Updated answer when the record is stale', async () => {
    const { backend, service, db } = await setup()
    const stale = await backend.save(png, 'png')
    const fresh = await backend.update(stale.id, png.slice(0, 100), 'webp')
    const blob = await service.getImage(stale)
    expect(blob.type).toBe('image/webp')
    expect(await bytesOf(blob)).toEqual(png.slice(0, 100))
    expect((await db.images.get(stale.id))?.token).toBe(fresh.token)
  })

  it('shares one fetch between ten concurrent calls', async () => {
    const { backend, service, fetched } = await setup()
    const record = await backend.save(png, 'png')
    const blobs = await Promise.all(Array.from({ length: 10 }, () => service.getImage(record)))
    expect(fetched).toHaveLength(1)
    for (const blob of blobs) expect(await bytesOf(blob)).toEqual(png)
  })

  it('maps each bodiless state to its code and caches nothing', async () => {
    const cases = [
      [WireState.NotFound, 'not-found'],
      [WireState.MissingID, 'missing-id'],
      [WireState.MissingProof, 'missing-proof'],
      [WireState.InvalidProof, 'invalid-proof'],
      [WireState.InternalError, 'server-error'],
    ] as const
    for (const [state, code] of cases) {
      const { service, db } = await setup({}, () => async () => encodeWirePayload({ state }))
      const record: ImageRecord = {
        id: 'x',
        token: 1,
        meta: { key: '', iv: '', tag: '' },
        statelessProof: 'p',
      }
      await expect(service.getImage(record)).rejects.toMatchObject({ name: 'PixstoreError', code })
      expect(await db.images.count()).toBe(0)
    }
  })

  it('refuses a record without id as missing-id, before any fetch', async () => {
    const { service, fetched } = await setup()
    const record = { id: '', token: 1, meta: { key: '', iv: '', tag: '' }, statelessProof: 'p' }
    await expect(service.getImage(record)).rejects.toMatchObject({ code: 'missing-id' })
    expect(fetched).toEqual([])
  })

  it('asks refreshRecord for a fresh record after invalid-proof and tries once more', async () => {
    const refreshRecord = vi.fn<(id: string) => Promise<ImageRecord>>()
    const { backend, service, fetched } = await setup({ refreshRecord })
    const record = await backend.save(png, 'png')
    refreshRecord.mockResolvedValue(record)
    const blob = await service.getImage({ ...record, statelessProof: 'expired' })
    expect(await bytesOf(blob)).toEqual(png)
    expect(refreshRecord).toHaveBeenCalledExactlyOnceWith(record.id)
    expect(fetched).toHaveLength(2)
    refreshRecord.mockResolvedValue({ ...record, statelessProof: 'still-wrong' })
    await service.deleteCachedImage(record.id)
    await expect(service.getImage({ ...record, statelessProof: 'expired' })).rejects.toMatchObject({
      code: 'invalid-proof',
    })
    expect(refreshRecord).toHaveBeenCalledTimes(2)
  })

  it('flush() lands pending lastUsed updates at once, not after touchDelay', async () => {
    let clock = 1000
    const { backend, service, db } = await setup({ now: () => clock })
    const record = await backend.save(png, 'png')
    await service.getImage(record)
    expect((await db.usage.get(record.id))!.lastUsed).toBe(1000)
    clock = 2000
    await service.getImage(record)
    await service.flush()
    expect((await db.usage.get(record.id))!.lastUsed).toBe(2000)
  })

  it('deletes a cached entry that fails to decrypt and fetches it once more', async () => {
    const { backend, service, db, fetched } = await setup()
    const record = await backend.save(png, 'png')
    await service.getImage(record)
    await db.images.update(record.id, { encrypted: new Uint8Array(png.length + 1) })
    expect(await bytesOf(await service.getImage(record))).toEqual(png)
    expect(fetched).toHaveLength(2)
    const row = await db.images.get(record.id)
    expect(row?.encrypted.some((b) => b !== 0)).toBe(true)
  })

  it('never caches a payload that fails to decrypt', async () => {
    const { backend, service, db } = await setup()
    const record = await backend.save(png, 'png')
    const wrongKey = {
      ...record,
      meta: { ...record.meta, key: btoa(String.fromCharCode(...new Uint8Array(32))) },
    }
    await expect(service.getImage(wrongKey)).rejects.toMatchObject({ code: 'decrypt-failed' })
    expect(await db.images.count()).toBe(0)
  })

  it('aborts the shared fetch only when every caller has left', async () => {
    let seen: AbortSignal | undefined
    const { backend, service } = await setup({}, (inner) => (record, context, signal) => {
      seen = signal
      return new Promise((resolve, reject) => {
        setTimeout(() => signal.aborted || resolve(inner(record, context, signal)), 50)
        signal.addEventListener('abort', () => reject(signal.reason))
      })
    })
    const record = await backend.save(png, 'png')
    const a = new AbortController()
    const b = new AbortController()
    const first = service.getImage(record, { signal: a.signal })
    const second = service.getImage(record, { signal: b.signal })
    a.abort()
    await expect(first).rejects.toMatchObject({ code: 'aborted' })
    expect(await bytesOf(await second)).toEqual(png)
    expect(seen?.aborted).toBe(false)

    await service.deleteCachedImage(record.id)
    seen = undefined
    const c = new AbortController()
    const third = service.getImage(record, { signal: c.signal })
    await vi.waitFor(() => expect(seen).toBeDefined(), UNTIL)
    c.abort()
    await expect(third).rejects.toMatchObject({ code: 'aborted' })
    await vi.waitFor(() => expect(seen?.aborted).toBe(true), UNTIL)
  })

  it('fails with timeout when the fetcher does not answer in time, and caches nothing', async () => {
    const { service, db, backend } = await setup({ timeout: 30 }, () => () => new Promise(() => undefined))
    const record = await backend.save(png, 'png')
    await expect(service.getImage(record)).rejects.toMatchObject({ code: 'timeout', retryable: true })
    expect(await db.images.count()).toBe(0)
  })

  it('still returns the image when the cache refuses writes, and reports it', async () => {
    const backend = createMemoryBackend()
    const { db } = await testDatabase({
      fault: (type) => {
        if (type === 'put') throw new DOMException('disk', 'UnknownError')
      },
    })
    const errors: PixstoreError[] = []
    const service = createImageService({
      fetcher: backend.fetcher,
      cache: { database: db },
      onError: (e) => errors.push(e),
    })
    const record = await backend.save(png, 'png')
    expect(await bytesOf(await service.getImage(record))).toEqual(png)
    expect(errors.map((e) => e.code)).toEqual(['storage'])
  })

  it('prefetches records not cached at their token, and reports stats', async () => {
    // Transactions counted when the first fetch starts: the cache reads of the misses, not the writes'.
    const reads = { now: () => 0, atFirstFetch: undefined as number | undefined }
    const { backend, service, fetched, calls } = await setup({}, (inner) => (record, context, signal) => {
      reads.atFirstFetch ??= reads.now()
      return inner(record, context, signal)
    })
    reads.now = () => calls.transactions
    const records = await Promise.all([1, 2, 3].map((n) => backend.save(png.slice(0, n * 100), 'png')))
    const readsBefore = calls.transactions
    await service.prefetch(records)
    // One read transaction for the three misses, then the fetches.
    expect(reads.atFirstFetch! - readsBefore).toBe(1)
    await service.prefetch(records)
    expect(fetched).toHaveLength(3)
    expect(await service.stats()).toEqual({ entries: 3, bytes: 101 + 201 + 301 })
    await service.clear()
    expect(await service.stats()).toEqual({ entries: 0, bytes: 0 })
  })

  it('prefetch never rejects and reports failures', async () => {
    const { service, errors } = await setup()
    const ghost: ImageRecord = {
      id: 'ghost',
      token: 1,
      meta: { key: '', iv: '', tag: '' },
      statelessProof: 'p',
    }
    await expect(service.prefetch([ghost])).resolves.toBeUndefined()
    expect(errors.map((e) => e.code)).toEqual(['not-found'])
  })

  it('gives getEncrypted the verified ciphertext and meta, sharing the fetch with getImage', async () => {
    const { backend, service, fetched } = await setup()
    const stale = await backend.save(png, 'png')
    const fresh = await backend.update(stale.id, png.slice(0, 50), 'jpg')
    const [version, blob] = await Promise.all([service.getEncrypted(stale), service.getImage(stale)])
    expect(fetched).toHaveLength(1)
    expect(version).toMatchObject({ token: fresh.token, meta: fresh.meta, mimeType: 'image/jpeg' })
    expect(version.encrypted.buffer.byteLength).toBe(51)
    expect(await bytesOf(blob)).toEqual(png.slice(0, 50))
    // From the cache now: the record's own meta, no request.
    expect(await service.getEncrypted(fresh)).toMatchObject({ token: fresh.token, meta: fresh.meta })
    expect(fetched).toHaveLength(1)
  })

  it('reports a custom fetcher that throws as a network error, which can heal', async () => {
    let offline = true
    const { service, backend } = await setup({}, (inner) => async (record, context, signal) => {
      if (offline) throw new TypeError('Failed to fetch')
      return inner(record, context, signal)
    })
    const record = await backend.save(png, 'png')
    await expect(service.getImage(record)).rejects.toMatchObject({ code: 'network', retryable: true })
    // A failed load is not kept: the next caller tries again.
    offline = false
    expect(await bytesOf(await service.getImage(record))).toEqual(png)
  })
})

/**
 * A fetcher whose answers wait until the test opens them. The answer is computed when the
 * request is made (the backend as it was then), and arrives even after an abort, as a body
 * already on its way would.
 */
async function gatedSetup(
  config: Partial<PixstoreConfig> = {},
  onRequest?: (record: ImageRecord, onProgress: ((progress: DownloadProgress) => void) | undefined) => void,
) {
  const gates: Array<{ id: string; token: number; signal: AbortSignal; open: () => void }> = []
  const parts = await setup(
    config,
    (inner) => (record, context, signal, onProgress) =>
      new Promise((resolve) => {
        onRequest?.(record, onProgress)
        const answer = inner(record, context, signal)
        gates.push({ id: record.id, token: record.token, signal, open: () => resolve(answer) })
      }),
  )
  const waitForGates = (count: number) => vi.waitFor(() => expect(gates).toHaveLength(count), UNTIL)
  return { ...parts, gates, waitForGates }
}

describe('createImageService: whenIdle', () => {
  /** Settles to `'idle'` or the rejection's code; `undefined` while still waiting. */
  function watch(promise: Promise<void>) {
    const seen: { value: string | undefined } = { value: undefined }
    promise.then(
      () => (seen.value = 'idle'),
      (error: PixstoreError) => (seen.value = error.code),
    )
    return seen
  }

  it('resolves at once with no load, then once the last load in flight has ended', async () => {
    const { backend, service, gates, waitForGates } = await gatedSetup()
    await service.whenIdle()
    const [a, b] = [await backend.save(png, 'png'), await backend.save(png.slice(0, 99), 'png')]
    const loads = [service.getImage(a), service.getImage(b)]
    await waitForGates(2)
    const idle = watch(service.whenIdle())
    gates[0]!.open()
    await loads[0]
    expect(idle.value).toBeUndefined()
    gates[1]!.open()
    await loads[1]
    await vi.waitFor(() => expect(idle.value).toBe('idle'), UNTIL)
  })

  it('resolves when every caller left or a clear aborted the loads, and rejects when its own signal aborts', async () => {
    const { backend, service, waitForGates } = await gatedSetup()
    const [a, b] = [await backend.save(png, 'png'), await backend.save(png.slice(0, 99), 'png')]
    const caller = new AbortController()
    const left = service.getImage(a, { signal: caller.signal }).catch(() => undefined)
    await waitForGates(1)
    const afterLeaving = watch(service.whenIdle())
    caller.abort()
    await left
    await vi.waitFor(() => expect(afterLeaving.value).toBe('idle'), UNTIL)

    const cleared = service.getImage(b).catch(() => undefined)
    await waitForGates(2)
    const waiter = new AbortController()
    const gaveUp = watch(service.whenIdle(waiter.signal))
    const afterClear = watch(service.whenIdle())
    waiter.abort()
    await vi.waitFor(() => expect(gaveUp.value).toBe('aborted'), UNTIL)
    expect(afterClear.value).toBeUndefined()
    await service.clear()
    await cleared
    await vi.waitFor(() => expect(afterClear.value).toBe('idle'), UNTIL)
  })
})

describe('createImageService: clear, abort, delete and token races', () => {
  it('clear() aborts every load in flight; the late answer is neither cached nor answered', async () => {
    const { backend, service, db, gates, waitForGates } = await gatedSetup()
    const [a, b] = [await backend.save(png, 'png'), await backend.save(png.slice(0, 99), 'png')]
    const pending = service.getImage(a)
    const settled = pending.catch((error: unknown) => error)
    await waitForGates(1)
    const cleared = service.clear()
    expect(gates[0]!.signal.aborted).toBe(true)
    expect(await settled).toMatchObject({ code: 'aborted' })
    await cleared
    gates[0]!.open()
    // A load started after the clear goes through the same steps: once it is cached,
    // anything the late answer could have written would be too.
    const after = service.getImage(b)
    await waitForGates(2)
    gates[1]!.open()
    await after
    expect((await db.images.toArray()).map((row) => row.id)).toEqual([b.id])
  })

  it('an aborted load never writes, even when its body has arrived and is being decrypted', async () => {
    // Decryption waits for the test: the abort lands after the body, before the write.
    const { crypto, held: decrypts } = heldDecrypts()
    const { backend, service, db, fetched } = await setup({ crypto })
    const [a, b] = [await backend.save(png, 'png'), await backend.save(png.slice(0, 99), 'png')]
    const controller = new AbortController()
    const pending = service.getImage(a, { signal: controller.signal }).catch((error: unknown) => error)
    await vi.waitFor(() => expect(decrypts).toHaveLength(1), UNTIL)
    controller.abort()
    expect(await pending).toMatchObject({ code: 'aborted' })
    decrypts[0]!.release()
    const after = service.getImage(b)
    await vi.waitFor(() => expect(decrypts).toHaveLength(2), UNTIL)
    decrypts[1]!.release()
    await after
    expect(fetched).toEqual([a.id, b.id])
    expect((await db.images.toArray()).map((row) => row.id)).toEqual([b.id])
  })

  it('a load in flight when its image is deleted shows it but does not cache it', async () => {
    const { backend, service, db, gates, waitForGates } = await gatedSetup()
    const record = await backend.save(png, 'png')
    const pending = service.getImage(record)
    await waitForGates(1)
    await service.deleteCachedImage(record.id)
    gates[0]!.open()
    expect(await bytesOf(await pending)).toEqual(png)
    expect(await db.images.count()).toBe(0)
  })

  it('an older answer landing after a newer version leaves the newer one cached', async () => {
    const { backend, service, db, gates, waitForGates, fetched } = await gatedSetup()
    const old = await backend.save(png, 'png')
    const slow = service.getImage(old)
    await waitForGates(1)
    const current = await backend.update(old.id, png.slice(0, 77), 'png')
    const fast = service.getImage(current)
    await waitForGates(2)
    gates[1]!.open()
    await fast
    expect((await db.images.get(old.id))?.token).toBe(current.token)
    gates[0]!.open()
    expect(await bytesOf(await slow)).toEqual(png)
    expect((await db.images.get(old.id))?.token).toBe(current.token)
    // The newer version is still a hit.
    expect(await bytesOf(await service.getImage(current))).toEqual(png.slice(0, 77))
    expect(fetched).toHaveLength(2)
  })

  it('types a refreshRecord that throws, and bounds one that hangs by the timeout and the signal', async () => {
    const failure = new Error('session expired')
    const throwing = await setup({ refreshRecord: () => Promise.reject(failure) })
    const record = await throwing.backend.save(png, 'png')
    const expired = { ...record, statelessProof: 'expired' }
    await expect(throwing.service.getImage(expired)).rejects.toMatchObject({
      name: 'PixstoreError',
      code: 'invalid-proof',
      cause: failure,
    })

    const hanging = await setup({ timeout: 40, refreshRecord: () => new Promise(() => undefined) })
    const other = await hanging.backend.save(png, 'png')
    await expect(hanging.service.getImage({ ...other, statelessProof: 'expired' })).rejects.toMatchObject({
      code: 'timeout',
    })
    expect(await hanging.db.images.count()).toBe(0)

    const aborted = await setup({ refreshRecord: () => new Promise(() => undefined) })
    const third = await aborted.backend.save(png, 'png')
    const controller = new AbortController()
    const pending = aborted.service.getImage(
      { ...third, statelessProof: 'expired' },
      { signal: controller.signal },
    )
    await vi.waitFor(() => expect(aborted.fetched).toHaveLength(1), UNTIL)
    controller.abort()
    await expect(pending).rejects.toMatchObject({ code: 'aborted' })
  })

  it.each([
    ['maxConcurrentFetches', { maxConcurrentFetches: 0 }],
    ['maxConcurrentFetches', { maxConcurrentFetches: Number.NaN }],
    ['maxConcurrentFetches', { maxConcurrentFetches: 2.5 }],
    ['timeout', { timeout: 0 }],
    ['timeout', { timeout: Number.POSITIVE_INFINITY }],
    ['timeout', { timeout: 2 ** 31 }],
    ['cache.maxEntries', { cache: { maxEntries: 0 } }],
    ['cache.maxBytes', { cache: { maxBytes: -1 } }],
    ['cache.evictionBatch', { cache: { evictionBatch: Number.NaN } }],
    ['cache.touchDelay', { cache: { touchDelay: -5 } }],
    ['cache.openTimeout', { cache: { openTimeout: 0 } }],
  ] as const)('refuses %s out of range when created: %o', (name, config) => {
    expect(() => createImageService(config as PixstoreConfig)).toThrow(
      expect.objectContaining({
        name: 'PixstoreError',
        code: 'invalid-option',
        message: expect.stringContaining(name),
      }),
    )
  })
})

/** What the tabs of one origin share: a database, a lock manager, and a backend counting fetches. */
async function sharedOrigin() {
  const backend = createMemoryBackend()
  const { db } = await testDatabase()
  const fetched: string[] = []
  const fetcher: ImageFetcher = (record, context, signal) => (
    fetched.push(record.id),
    backend.fetcher(record, context, signal)
  )
  return { ...memoryLocks(), backend, db, fetched, fetcher }
}

describe('createImageService: locks, notices and what a fetcher may return', () => {
  it('fetches a missing version once across services sharing a database, under its named lock', async () => {
    const { locks, requested, backend, db, fetched, fetcher } = await sharedOrigin()
    // Two tabs: two services, one database, one lock manager.
    const tabs = [0, 1].map(() => createImageService({ fetcher, locks, cache: { database: db } }))
    const record = await backend.save(png, 'png', 'a/b')
    const [first, second] = await Promise.all(tabs.map((tab) => tab.getImage(record)))
    expect(await bytesOf(first!)).toEqual(png)
    expect(await bytesOf(second!)).toEqual(png)
    expect(fetched).toEqual([record.id])
    // Named after the database the services share, whoever opened it.
    expect(new Set(requested)).toEqual(
      new Set([`pixstore/${encodeURIComponent(db.name)}/a%2Fb/${record.token}`]),
    )
    // `locks: false` asks for none.
    const unlocked = createImageService({ fetcher, locks: false, cache: { database: db } })
    await unlocked.deleteCachedImage(record.id)
    const before = requested.length
    await unlocked.getImage(record)
    expect(requested).toHaveLength(before)
  })

  it('takes a load whose callers all left out of the queue for its lock at once', async () => {
    const { locks, requested, queued, backend, db, fetcher } = await sharedOrigin()
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const slow: ImageFetcher = async (...args) => (await gate, fetcher(...args))
    const holder = createImageService({ fetcher: slow, locks, cache: { database: db } })
    const waiter = createImageService({ fetcher, locks, cache: { database: db } })
    const record = await backend.save(png, 'png')
    const held = holder.getImage(record)
    await vi.waitFor(() => expect(requested).toHaveLength(1), UNTIL)
    const leaving = new AbortController()
    const waiting = waiter.getImage(record, { signal: leaving.signal })
    await vi.waitFor(() => expect(queued(requested[0]!)).toBe(2), UNTIL)
    leaving.abort()
    await expect(waiting).rejects.toMatchObject({ code: 'aborted' })
    expect(queued(requested[0]!)).toBe(1)
    release()
    expect(await bytesOf(await held)).toEqual(png)
  })

  it('tells its listeners of deletions and evictions, and of a clear once, as it starts', async () => {
    const backend = createMemoryBackend()
    const { db } = await testDatabase()
    const service = createImageService({ fetcher: backend.fetcher, cache: { database: db, maxEntries: 1 } })
    const changes: unknown[] = []
    const stop = service.subscribe((change) => changes.push(change))
    const [a, b] = [await backend.save(png, 'png'), await backend.save(png.slice(0, 9), 'png')]
    await service.getImage(a)
    await service.getImage(b)
    await vi.waitFor(() => expect(changes).toEqual([{ type: 'evict', ids: [a.id] }]), UNTIL)
    await service.deleteCachedImage(b.id)
    const cleared = service.clear()
    expect(changes.at(-1)).toEqual({ type: 'clear', ids: [] })
    await cleared
    expect(changes).toEqual([
      { type: 'evict', ids: [a.id] },
      { type: 'delete', ids: [b.id] },
      { type: 'clear', ids: [] },
    ])
    stop()
    await service.clear()
    expect(changes).toHaveLength(3)
  })

  it('takes an ArrayBuffer from a custom fetcher, and refuses anything else as bad-payload', async () => {
    const backend = createMemoryBackend()
    const record = await backend.save(png, 'png')
    const buffer = await setup(
      {},
      () => async (r, c, s) => new Uint8Array(await backend.fetcher(r, c, s)).slice().buffer,
    )
    expect(await bytesOf(await buffer.service.getImage(record))).toEqual(png)
    const text = await setup({}, () => async () => 'not bytes' as unknown as Uint8Array)
    await expect(text.service.getImage(record)).rejects.toMatchObject({
      code: 'bad-payload',
      message: 'The fetcher returned neither Uint8Array nor ArrayBuffer',
    })
  })

  it('fetches a new token without touching the older cached version first', async () => {
    const { backend, service } = await setup()
    const old = await backend.save(png, 'png')
    await service.getImage(old)
    const current = await backend.update(old.id, png.slice(0, 42), 'png')
    const changes: unknown[] = []
    service.subscribe((change) => changes.push(change))
    expect(await bytesOf(await service.getImage(current))).toEqual(png.slice(0, 42))
    // Never read as a hit and found undecryptable: no delete.
    expect(changes).toEqual([])
  })

  it('refuses a missing record as missing-id', async () => {
    const { service } = await setup()
    for (const record of [null, undefined, { id: 5 }] as unknown as ImageRecord[]) {
      await expect(service.getImage(record)).rejects.toMatchObject({
        code: 'missing-id',
        message: 'The record has no id',
      })
    }
  })
})

describe('createImageService: callers, their signals and what each failure says', () => {
  it('rejects at once for a signal already aborted, without a request, and types a plain abort reason', async () => {
    const { backend, service, fetched } = await setup()
    const record = await backend.save(png, 'png')
    const reason = new Error('navigated away')
    await expect(service.getImage(record, { signal: AbortSignal.abort(reason) })).rejects.toMatchObject({
      code: 'aborted',
      message: 'The image request was aborted',
      cause: reason,
    })
    // The flight it would have shared is gone too: the next caller starts afresh and gets the image.
    expect(await bytesOf(await service.getImage(record))).toEqual(png)
    expect(fetched).toEqual([record.id])
  })

  it("leaves no listener on a caller's signal once the image is answered or refused", async () => {
    const { backend, service } = await setup()
    const record = await backend.save(png, 'png')
    const signal = new AbortController().signal
    // The listeners in place, as the signal keeps them: by type and function.
    const listening = new Set<string>()
    const names = new Map<unknown, number>()
    const name = (type: string, listener: unknown) => {
      if (!names.has(listener)) names.set(listener, names.size)
      return `${type}#${names.get(listener)}`
    }
    const add = signal.addEventListener.bind(signal)
    const remove = signal.removeEventListener.bind(signal)
    signal.addEventListener = (...args: Parameters<typeof add>) => (
      listening.add(name(args[0], args[1])),
      add(...args)
    )
    signal.removeEventListener = (...args: Parameters<typeof remove>) => (
      listening.delete(name(args[0], args[1])),
      remove(...args)
    )
    await service.getImage(record, { signal })
    await service.getImage(record, { signal })
    await service.getImage({ ...record, id: 'missing' }, { signal }).catch(() => undefined)
    expect(names.size).toBeGreaterThan(0)
    expect([...listening]).toEqual([])
  })

  it('keeps loading for the callers still waiting when one leaves, and stops giving progress to the one that left', async () => {
    let report: ((progress: DownloadProgress) => void) | undefined
    const { backend, service, gates, waitForGates } = await gatedSetup({}, (record, onProgress) => {
      report = onProgress
    })
    const record = await backend.save(png, 'png')
    const leaving = new AbortController()
    const seen = { left: 0, staying: 0 }
    const left = service.getImage(record, { signal: leaving.signal, onProgress: () => seen.left++ })
    const staying = service.getImage(record, { onProgress: () => seen.staying++ })
    await waitForGates(1)
    report!({ received: 1, total: 2 })
    leaving.abort()
    await expect(left).rejects.toMatchObject({ code: 'aborted' })
    report!({ received: 2, total: 2 })
    expect(seen).toEqual({ left: 1, staying: 2 })
    expect(gates[0]!.signal.aborted).toBe(false)
    gates[0]!.open()
    expect(await bytesOf(await staying)).toEqual(png)
  })

  it('lets a load its callers left end without taking the place of a new load of the same version', async () => {
    const { backend, service, gates, waitForGates } = await gatedSetup()
    const record = await backend.save(png, 'png')
    const leaving = new AbortController()
    const first = service.getImage(record, { signal: leaving.signal })
    await waitForGates(1)
    // In one task: the only caller leaves (its load is aborted and will settle), and a new caller comes.
    leaving.abort()
    const second = service.getImage(record)
    await expect(first).rejects.toMatchObject({ code: 'aborted' })
    await waitForGates(2)
    // The old load has settled by now; a third caller joins the second load.
    const third = service.getImage(record)
    gates[1]!.open()
    expect(await bytesOf(await second)).toEqual(png)
    expect(await bytesOf(await third)).toEqual(png)
    expect(gates).toHaveLength(2)
  })

  it('never starts a fetch for a caller that left while waiting for a fetch slot', async () => {
    const { backend, service, gates, waitForGates } = await gatedSetup({ maxConcurrentFetches: 1 })
    const [a, b] = await Promise.all([backend.save(png, 'png'), backend.save(png, 'webp')])
    const first = service.getImage(a!)
    await waitForGates(1)
    const leaving = new AbortController()
    const waiting = service.getImage(b!, { signal: leaving.signal })
    leaving.abort()
    await expect(waiting).rejects.toMatchObject({ code: 'aborted' })
    gates[0]!.open()
    await first
    // A sentinel through the freed slot: had the aborted load started, it would have come first.
    const last = await backend.save(png, 'jpg')
    const sentinel = service.getImage(last)
    await waitForGates(2)
    gates[1]!.open()
    await sentinel
    expect(gates.map((gate) => gate.id)).toEqual([a!.id, last.id])
  })

  it("uses the page's Web Locks by default, none with locks: false, and reads live stats", async () => {
    const { locks, requested } = memoryLocks()
    vi.stubGlobal('navigator', { locks })
    try {
      const byDefault = await setup({ locks: undefined })
      const record = await byDefault.backend.save(png, 'png')
      await byDefault.service.getImage(record)
      expect(requested).toHaveLength(1)
      const without = await setup({ locks: false })
      await without.service.getImage(await without.backend.save(png, 'png'))
      expect(requested).toHaveLength(1)
      expect(await byDefault.service.liveStats()).toEqual({ entries: 1, bytes: png.length + 1 })
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('streams progress to every caller that asked for it, and asks no stream when none did', async () => {
    const streams: boolean[] = []
    const { backend, service } = await setup({}, (inner) => async (record, context, signal, onProgress) => {
      streams.push(onProgress !== undefined)
      onProgress?.({ received: 1, total: 2 })
      return inner(record, context, signal)
    })
    const [a, b] = await Promise.all([backend.save(png, 'png'), backend.save(png, 'webp')])
    const seen: string[] = []
    await Promise.all([
      service.getImage(a!, { onProgress: () => seen.push('one') }),
      service.getImage(a!, { onProgress: () => seen.push('two') }),
      service.getImage(a!),
    ])
    expect(seen.sort()).toEqual(['one', 'two'])
    await service.getImage(b!)
    expect(streams).toEqual([true, false])
  })

  it("starts a new load for a version whose earlier load ended, and lets a load from before a clear end without taking the new one's place", async () => {
    const { backend, service, gates, waitForGates, fetched } = await gatedSetup()
    const record = await backend.save(png, 'png')
    const before = service.getImage(record)
    await waitForGates(1)
    void service.clear()
    await expect(before).rejects.toMatchObject({ code: 'aborted', message: 'The image cache was cleared' })
    const after = service.getImage(record)
    await waitForGates(2)
    // The load from before the clear ends now; a third caller still joins the one after it.
    gates[0]!.open()
    await vi.waitFor(() => expect(gates[0]!.signal.aborted).toBe(true), UNTIL)
    const joining = service.getImage(record)
    gates[1]!.open()
    expect(await bytesOf(await after)).toEqual(png)
    expect(await bytesOf(await joining)).toEqual(png)
    expect(fetched).toHaveLength(2)
    // Once it ended, deleting the image makes the next caller fetch it again.
    await service.deleteCachedImage(record.id)
    const again = service.getImage(record)
    await waitForGates(3)
    gates[2]!.open()
    await again
    expect(fetched).toHaveLength(3)
  })

  it('deleting one image keeps the loads of the others cacheable', async () => {
    const { backend, service, db, gates, waitForGates } = await gatedSetup()
    const [a, b] = await Promise.all([backend.save(png, 'png'), backend.save(png, 'png')])
    const loads = [service.getImage(a!), service.getImage(b!)]
    await waitForGates(2)
    await service.deleteCachedImage(a!.id)
    gates.forEach((gate) => gate.open())
    await Promise.all(loads)
    expect(await db.images.toCollection().primaryKeys()).toEqual([b!.id])
  })

  it('says which image failed and why: a timeout, a fetcher failure, a backend state, a refresh', async () => {
    const hanging = await setup({ timeout: 25 }, () => () => new Promise(() => undefined))
    const record = await hanging.backend.save(png, 'png')
    await expect(hanging.service.getImage(record)).rejects.toMatchObject({
      message: `No answer for image ${record.id} in 25 ms`,
    })
    const cause = new TypeError('Failed to fetch')
    const failing = await setup({}, () => () => Promise.reject(cause))
    await expect(failing.service.getImage(record)).rejects.toMatchObject({
      message: `Fetching image ${record.id} failed`,
      cause,
    })
    const missing = await setup({ refreshRecord: () => Promise.reject(new Error('not asked')) })
    // Only invalid-proof asks for a fresh record; not-found does not.
    await expect(missing.service.getImage(record)).rejects.toMatchObject({
      code: 'not-found',
      message: `The backend answered not-found for image ${record.id}`,
    })
    const refusing = await setup({ refreshRecord: () => Promise.reject(new Error('logged out')) })
    const other = await refusing.backend.save(png, 'png')
    await expect(refusing.service.getImage({ ...other, statelessProof: 'expired' })).rejects.toMatchObject({
      message: `refreshRecord('${other.id}') failed`,
    })
    const slow = await setup({ timeout: 25, refreshRecord: () => new Promise(() => undefined) })
    const third = await slow.backend.save(png, 'png')
    await expect(slow.service.getImage({ ...third, statelessProof: 'expired' })).rejects.toMatchObject({
      message: `No answer for refreshRecord('${third.id}') in 25 ms`,
    })
  })

  it("leaves the fetcher's signal alone once its answer is in, even when its timeout would have passed", async () => {
    const signals: AbortSignal[] = []
    const backend = createMemoryBackend()
    const { db } = await testDatabase()
    const service = createImageService({
      timeout: 25,
      cache: { database: db },
      fetcher: (record, context, signal) => {
        signals.push(signal)
        return record.id === 'hangs' ? new Promise(() => undefined) : backend.fetcher(record, context, signal)
      },
    })
    const record = await backend.save(png, 'png')
    await service.getImage(record)
    // A later load with the same timeout times out after the first one's timer would have fired.
    await expect(service.getImage({ ...record, id: 'hangs' })).rejects.toMatchObject({ code: 'timeout' })
    expect(signals[0]!.aborted).toBe(false)
  })

  it('reports a cache it cannot read and still shows the image, and drops a poisoned entry even when the refetch fails', async () => {
    const { IDBFactory, IDBKeyRange } = await import('fake-indexeddb')
    const factory = new IDBFactory()
    factory.open = () => {
      throw new DOMException('The disk is gone', 'UnknownError')
    }
    const backend = createMemoryBackend()
    const errors: PixstoreError[] = []
    const broken = createImageService({
      fetcher: backend.fetcher,
      cache: { database: new PixstoreDatabase(`broken-${Date.now()}`, { indexedDB: factory, IDBKeyRange }) },
      onError: (error) => errors.push(error),
    })
    const record = await backend.save(png, 'png')
    expect(await bytesOf(await broken.getImage(record))).toEqual(png)
    expect(errors.map((error) => [error.code, error.message])).toContainEqual([
      'storage',
      'Reading the image cache failed',
    ])

    let offline = false
    const { service, db } = await setup(
      {},
      (inner) => (record, context, signal) =>
        offline ? Promise.reject(new TypeError('offline')) : inner(record, context, signal),
    )
    const poisoned = await backend.save(png, 'png')
    await putEntries(db, [
      { id: poisoned.id, token: poisoned.token, encrypted: new Uint8Array(40), lastUsed: 0 },
    ])
    offline = true
    await expect(service.getImage(poisoned)).rejects.toMatchObject({ code: 'network' })
    expect(await service.cachedImageExists(poisoned.id)).toBe(false)
  })

  it('closes its database on close()', async () => {
    const { service, db } = await setup()
    await service.stats()
    expect(db.isOpen()).toBe(true)
    await service.close()
    expect(db.isOpen()).toBe(false)
  })

  it('fetches without the lock when the lock manager cannot grant it, and not again when the load itself fails', async () => {
    const refusing = { request: () => Promise.reject(new DOMException('no locks here', 'SecurityError')) }
    const { backend, service, fetched } = await setup({ locks: refusing as unknown as LockManager })
    const record = await backend.save(png, 'png')
    expect(await bytesOf(await service.getImage(record))).toEqual(png)
    expect(fetched).toEqual([record.id])

    const { locks } = memoryLocks()
    const locked = await setup({ locks })
    const ghost = { ...record, id: 'ghost' }
    await expect(locked.service.getImage(ghost)).rejects.toMatchObject({ code: 'not-found' })
    expect(locked.fetched).toEqual(['ghost'])
  })
})

describe('createImageService: images handed out a few per task', () => {
  it('hands loaded images to their callers `imagesPerTask` per task, in the order they loaded', async () => {
    const { backend, db } = await setup()
    const [a, b] = [await backend.save(png, 'png'), await backend.save(png.slice(0, 99), 'png')]
    await createImageService({ fetcher: backend.fetcher, cache: { database: db } }).prefetch([a, b])
    // Both cached images decrypt, and are handed on together once both are done.
    const { crypto, held } = heldDecrypts()
    const tasks = manualTasks()
    const service = createImageService({
      fetcher: backend.fetcher,
      cache: { database: db },
      crypto,
      imagesPerTask: 1,
      scheduleTask: tasks.schedule,
    })
    const answered: string[] = []
    const loads = [a, b].map((record) => service.getImage(record).then(() => answered.push(record.id)))
    await vi.waitFor(() => expect(held).toHaveLength(2), UNTIL)
    await Promise.all(held.map(({ done }) => done))
    for (const { release } of held) release()
    // A macrotask later every microtask has run: both images wait for their turn.
    await new Promise((resolve) => setImmediate(resolve))
    expect(answered).toEqual([])
    expect(tasks.queued).toBe(1)
    await tasks.next()
    expect(answered).toEqual([a.id])
    await tasks.next()
    await Promise.all(loads)
    expect(answered).toEqual([a.id, b.id])
  })

  it('a clear while images wait for their turn rejects their callers, and hands nothing out', async () => {
    const tasks = manualTasks()
    const { backend, service, db } = await setup({ imagesPerTask: 1, scheduleTask: tasks.schedule })
    const record = await backend.save(png, 'png')
    const settled = service.getImage(record).catch((error: unknown) => error)
    await vi.waitFor(() => expect(tasks.queued).toBe(1), UNTIL)
    await service.clear()
    expect(await settled).toMatchObject({ code: 'aborted' })
    const blobs = vi.spyOn(globalThis, 'Blob')
    try {
      await tasks.next()
      expect(blobs).not.toHaveBeenCalled()
    } finally {
      blobs.mockRestore()
    }
    expect(tasks.queued).toBe(0)
    expect(await db.images.count()).toBe(0)
  })

  it('refuses an `imagesPerTask` that hands nothing out', () => {
    expect(() => createImageService({ imagesPerTask: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid-option' }),
    )
  })
})

describe('createImageService: an image and its write to the cache', () => {
  it('hands a fetched image out only once its write has landed, by default', async () => {
    const { backend, service, db } = await setup()
    const held = holdWrites(db)
    const record = await backend.save(png, 'png')
    const image = service.getImage(record)
    await vi.waitFor(() => expect(held.reached).toHaveBeenCalled(), UNTIL)
    expect(await hasSettled(image)).toBe(false)
    held.release()
    expect(await bytesOf(await image)).toEqual(png)
    expect((await db.images.get(record.id))?.token).toBe(record.token)
  })

  it('with waitUntil, hands it out at once and gives waitUntil the write, which settles once it lands', async () => {
    const writes: Array<Promise<void>> = []
    const { backend, service, db } = await setup({ waitUntil: (write) => writes.push(write) })
    const held = holdWrites(db)
    const record = await backend.save(png, 'png')
    expect(await bytesOf(await service.getImage(record))).toEqual(png)
    expect(writes).toHaveLength(1)
    expect(await hasSettled(writes[0]!)).toBe(false)
    expect(await db.images.get(record.id)).toBeUndefined()
    held.release()
    await writes[0]
    expect((await db.images.get(record.id))?.token).toBe(record.token)
    // A version read from the cache writes nothing: waitUntil is not called again.
    await service.getImage(record)
    expect(writes).toHaveLength(1)
  })

  it('with waitUntil, keeps the Web Lock until the write lands: another tab then reads the cache, not the network', async () => {
    const { locks, backend, db, fetched, fetcher } = await sharedOrigin()
    const writes: Array<Promise<void>> = []
    const worker = createImageService({
      fetcher,
      locks,
      cache: { database: db },
      waitUntil: (w) => writes.push(w),
    })
    const page = createImageService({ fetcher, locks, cache: { database: db } })
    const held = holdWrites(db)
    const record = await backend.save(png, 'png')
    expect(await bytesOf(await worker.getImage(record))).toEqual(png)
    // The tab misses the cache while the write is held, then waits for the version's lock.
    const inTab = page.getImage(record)
    expect(await hasSettled(inTab)).toBe(false)
    held.release()
    expect(await bytesOf(await inTab)).toEqual(png)
    expect(fetched).toEqual([record.id])
    expect(page.metrics().sources).toMatchObject({ dexie: { count: 1 }, network: { count: 0 } })
  })
})
