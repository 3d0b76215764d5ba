// The worker's handler with the test playing the page bridges on the channel: the same
// cases run in Node over an in-memory CacheStorage and in Chromium over the real one.
import { afterEach, describe, expect, it } from 'vitest'
import {
  createImageService,
  type ImageDecryptionMeta,
  type ImageFetcher,
  type ImageRecord,
} from '../../src/core'
import { createMemoryBackend, encryptImage } from '../../src/testing'
import { PixstoreWorker } from '../../src/worker'
import {
  SW_CACHE_NAME,
  SW_MESSAGE,
  type ServedMessage,
  type ServedReport,
  type SwMessage,
  type WorkerLoadSource,
} from '../../src/protocol'
import { testDatabase } from './testDatabase'

let counter = 0
const cleanups: Array<() => unknown> = []

/** Test images: 64 bytes that differ by seed. */
export const png = (seed: number) => Uint8Array.from({ length: 64 }, (_, i) => (i * seed) % 256)

/** What a test needs of one worker: its requests, the page side of the channel, its cache. */
export type WorkerHarness = Awaited<ReturnType<typeof workerHarness>>

/**
 * A worker on a channel of its own with the test playing the page bridges. `makeCaches(scope,
 * refuse)` gives a CacheStorage of this test only; with `refuse`, every write to it fails as
 * a full disk does. Closed after each test.
 */
export async function workerHarness(
  origin: string,
  makeCaches: (scope: string, refuse: boolean) => CacheStorage,
  options: {
    maxEntries?: number
    refuse?: boolean
    timeout?: number
    memoryBytes?: number
    scope?: string
    crypto?: Crypto
    now?: () => number
    /** The pages' encrypted cache, shared by workers that stand for one restarted. */
    database?: Awaited<ReturnType<typeof testDatabase>>['db']
    /** The backend the worker's own loads reach, shared likewise. */
    backend?: ReturnType<typeof createMemoryBackend>
    /** Wraps the backend's fetcher, to hold or count requests. */
    fetcher?: (fetcher: ImageFetcher) => ImageFetcher
  } = {},
) {
  const scope = options.scope ?? `worker-test-${Date.now()}-${counter++}`
  const scoped = makeCaches(scope, options.refuse ?? false)
  const database = options.database ?? (await testDatabase()).db
  const backend = options.backend ?? createMemoryBackend()
  const fetcher = options.fetcher?.(backend.fetcher) ?? backend.fetcher
  const worker = new PixstoreWorker({
    channel: scope,
    caches: scoped,
    origin,
    timeout: options.timeout ?? 60_000,
    maxEntries: options.maxEntries,
    memoryBytes: options.memoryBytes,
    crypto: options.crypto,
    // A page that is gone (a closed tab) is not found.
    clients: {
      get: (clientId) =>
        Promise.resolve(
          clientId === 'gone'
            ? undefined
            : { postMessage: (message: ServedMessage) => void told.push({ clientId, message }) },
        ),
    },
    now: options.now,
    // The source's own endpoint is the memory backend's; its database, the test's. Its images
    // are answered before their writes land, as the worker's default service answers them.
    createService: (source, waitUntil) =>
      createImageService({ ...source, cache: { ...source.cache, database }, fetcher, waitUntil }),
  })
  const page = new BroadcastChannel(scope)
  /** What the worker told each page about the layer that answered it. */
  const told: Array<{ clientId: string; message: ServedMessage }> = []
  const questions: Array<Extract<SwMessage, { requestId: string }>> = []
  page.onmessage = (event: MessageEvent<SwMessage>) => {
    if ('requestId' in event.data) questions.push(event.data)
  }
  cleanups.push(
    () => worker.close(),
    () => page.close(),
    () => scoped.delete(SW_CACHE_NAME),
  )
  /**
   * A fetch event for the image, settled as the browser settles one: once it is answered and
   * everything it waits on (`waitUntil`: the page's answer being stored) is done.
   */
  const get = async (id: string, token: number, init?: RequestInit, clientId?: string, query = '') => {
    const extended: Array<Promise<unknown>> = []
    const response = await worker.handle(
      new Request(`${origin}/_img/${id}?t=${token}${query}`, init),
      clientId,
      (promise) => extended.push(promise),
    )!
    await Promise.all(extended)
    return response
  }
  const question = async (index: number) => {
    await expect.poll(() => questions.length).toBeGreaterThan(index)
    return questions[index]!
  }
  const answer = (
    requestId: string,
    token: number,
    version: { encrypted: Uint8Array<ArrayBuffer>; meta: ImageDecryptionMeta },
  ) => page.postMessage({ type: SW_MESSAGE.IMAGE_RESPONSE, requestId, ok: true, token, ...version })
  /** The page gives only the key of a version (after a restart the worker has lost it). */
  const answerKey = (requestId: string, meta: ImageDecryptionMeta) =>
    page.postMessage({ type: SW_MESSAGE.KEY_RESPONSE, requestId, ok: true, meta })
  const cached = async () =>
    (await (await scoped.open(SW_CACHE_NAME)).keys())
      .map((r) => new URL(r.url).pathname + new URL(r.url).search)
      .sort()
  const bytes = async (response: Response) => new Uint8Array(await response.arrayBuffer())
  /** A page loading through the default endpoint, or (`custom`) through a fetcher function. */
  const source = (custom = false): WorkerLoadSource => ({
    cache: { dbName: database.name },
    endpoint: custom ? undefined : {},
  })
  /** A page hands the worker the records its `<img>`s request (`RECORDS`). */
  const hand = (records: ImageRecord[], from = source()) =>
    worker.receive({ type: SW_MESSAGE.RECORDS, source: from, records })
  return {
    scope,
    database,
    backend,
    source,
    hand,
    worker,
    caches: scoped,
    page,
    questions,
    told,
    get,
    question,
    answer,
    answerKey,
    cached,
    bytes,
  }
}

/** Runs the cases every environment shares. */
export function workerCases(
  where: string,
  origin: string,
  makeCaches: (scope: string, refuse: boolean) => CacheStorage,
): void {
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup()
  })
  const setup = (options: Omit<Parameters<typeof workerHarness>[2], 'scope' | 'crypto'> = {}) =>
    workerHarness(origin, makeCaches, options)

  describe(`PixstoreWorker (${where})`, () => {
    it('stores an Updated answer under its own token and never goes back to an older version', async () => {
      const { get, question, answer, cached, bytes, questions } = await setup()
      const [v1, v2] = [await encryptImage(png(1), 'png'), await encryptImage(png(2), 'png')]
      // Asked for version 1, the page answers with version 2 (the backend said Updated).
      const first = get('a', 1)
      answer((await question(0)).requestId, 2, v2)
      expect(await bytes(await first)).toEqual(png(2))
      expect(await cached()).toEqual(['/_img/a?t=2'])
      // A late answer with version 1 (another page with an old record) is shown but not kept.
      const old = get('a', 1)
      answer((await question(1)).requestId, 1, v1)
      expect(await bytes(await old)).toEqual(png(1))
      expect(await cached()).toEqual(['/_img/a?t=2'])
      // Version 2 is still answered without asking the page.
      expect(await bytes(await get('a', 2))).toEqual(png(2))
      expect(questions).toHaveLength(2)
    })

    it('keeps one version when stores of one id race, whatever order their answers come in', async () => {
      const { get, question, answer, cached, bytes } = await setup()
      const [v3, v4] = [await encryptImage(png(3), 'png'), await encryptImage(png(4), 'png')]
      const [newer, older] = [get('b', 4), get('b', 3)]
      const [q0, q1] = [await question(0), await question(1)]
      const asked = (token: number) => (q0.type === SW_MESSAGE.IMAGE_REQUEST && q0.token === token ? q0 : q1)
      answer(asked(4).requestId, 4, v4)
      answer(asked(3).requestId, 3, v3)
      expect(await bytes(await newer)).toEqual(png(4))
      expect(await bytes(await older)).toEqual(png(3))
      expect(await cached()).toEqual(['/_img/b?t=4'])
    })

    it('on CLEAR refuses its pending questions with 504 and stores no answer that comes after', async () => {
      const { get, question, answer, cached, page, questions } = await setup()
      const v5 = await encryptImage(png(5), 'png')
      const pending = get('c', 5)
      const asked = await question(0)
      page.postMessage({ type: SW_MESSAGE.CLEAR })
      expect((await pending).status).toBe(504)
      answer(asked.requestId, 5, v5)
      // A new request after the clear asks the page again: nothing was kept, in memory or on disk.
      const again = get('c', 5)
      const second = await question(1)
      expect(second.requestId).not.toBe(asked.requestId)
      expect(await cached()).toEqual([])
      answer(second.requestId, 5, v5)
      expect((await again).status).toBe(200)
      expect(questions).toHaveLength(2)
    })

    it("answers at once, with 504 and asking nobody, a URL its page made before the page's last clear", async () => {
      const { worker, get, question, answer, questions } = await setup()
      const v7 = await encryptImage(png(7), 'png')
      // The page's clear, posted to the worker itself with the page's epoch after it.
      await worker.receive({ type: SW_MESSAGE.CLEAR, clearId: 'out', epoch: 2 }, 'tab')
      for (const old of ['', '&e=1', '&r=1&e=1']) {
        const refused = await get('old', 7, undefined, 'tab', old)
        expect(refused.status, old).toBe(504)
        expect(refused.headers.get('cache-control')).toBe('no-store')
      }
      expect(questions).toEqual([])
      // The page's URLs from after the clear, and another page's of any epoch, are answered.
      const fresh = get('old', 7, undefined, 'tab', '&e=2')
      answer((await question(0)).requestId, 7, v7)
      expect((await fresh).status).toBe(200)
      expect((await get('old', 7, undefined, 'other-tab')).status).toBe(200)
      // A clear heard without an epoch (another tab's, on the channel) changes nothing of it.
      await worker.receive({ type: SW_MESSAGE.CLEAR, clearId: 'other' }, 'tab')
      expect((await get('old', 7, undefined, 'tab', '&e=1')).status).toBe(504)
    })

    it("tells each page which of the worker's layers answered it: ids, sizes and times only", async () => {
      let clock = 1000
      const memory = await setup({ now: () => (clock += 5) })
      const v6 = await encryptImage(png(6), 'png')
      const first = memory.get('t', 6, undefined, 'tab-1')
      memory.answer((await memory.question(0)).requestId, 6, v6)
      expect((await first).status).toBe(200)
      // Answered by the page, which counts it itself: nothing to tell.
      expect((await memory.get('t', 6, undefined, 'tab-2')).status).toBe(200)
      await expect.poll(() => memory.told.length).toBe(1)
      const [{ clientId, message }] = memory.told as [(typeof memory.told)[number]]
      expect(clientId).toBe('tab-2')
      expect(message.type).toBe(SW_MESSAGE.SERVED)
      expect(message.images).toHaveLength(1)
      const [report] = message.images as [ServedReport]
      expect(report).toMatchObject({ id: 't', token: 6, source: 'worker-memory', bytes: 64 })
      expect(Object.keys(report).sort()).toEqual(['bytes', 'id', 'ms', 'source', 'token'])
      // From the request to the answer, on the worker's clock.
      expect(report.ms).toBe(5)
      // A fetch without a page, or from a page gone since, is told to no one; what one page
      // asked at once goes in one message.
      expect((await memory.get('t', 6)).status).toBe(200)
      expect((await memory.get('t', 6, undefined, 'gone')).status).toBe(200)
      const burst = [memory.get('t', 6, undefined, 'tab-3'), memory.get('t', 6, undefined, 'tab-3')]
      expect((await Promise.all(burst)).map((response) => response.status)).toEqual([200, 200])
      await expect
        .poll(() => memory.told.map((told) => [told.clientId, told.message.images.length]))
        .toEqual([
          ['tab-2', 1],
          ['tab-3', 2],
        ])

      // With no memory for decrypted images, the next view comes from Cache Storage.
      const disk = await setup({ memoryBytes: 0 })
      const answered = disk.get('u', 7, undefined, 'tab-1')
      disk.answer((await disk.question(0)).requestId, 7, await encryptImage(png(7), 'png'))
      await answered
      expect((await disk.get('u', 7, undefined, 'tab-1')).status).toBe(200)
      const reports = () => disk.told.flatMap((told) => told.message.images)
      await expect.poll(() => reports().map((report) => report.source)).toEqual(['cache-storage'])
      // On the worker's own clock by default.
      expect(reports()[0]!.ms).toBeGreaterThanOrEqual(0)
    })

    it('serves the image when Cache Storage refuses the write', async () => {
      const { get, question, answer, bytes, cached } = await setup({ refuse: true })
      const v6 = await encryptImage(png(6), 'png')
      const response = get('d', 6)
      answer((await question(0)).requestId, 6, v6)
      expect((await response).status).toBe(200)
      expect(await bytes(await response)).toEqual(png(6))
      expect(await cached()).toEqual([])
    })

    it('loads a handed record itself: the network once, Dexie after a restart, never asking the page', async () => {
      const first = await setup()
      const record = await first.backend.save(png(11), 'png', 'own')
      first.hand([record])
      const response = await first.get('own', record.token, undefined, 'tab-1', '&r=1')
      expect(response.status).toBe(200)
      expect(await first.bytes(response)).toEqual(png(11))
      expect(first.questions).toEqual([])
      expect(first.backend.requests.get('own')).toBe(1)
      // Written as the page would: ciphertext in the pages' Dexie database and in Cache Storage.
      const row = await first.database.images.get('own')
      expect(row).toMatchObject({ id: 'own', token: record.token })
      expect(row!.encrypted).not.toEqual(png(11))
      expect(await first.cached()).toEqual([`/_img/own?t=${record.token}`])
      await expect
        .poll(() => first.told.flatMap((told) => told.message.images.map((image) => image.source)))
        .toEqual(['network'])

      // A restarted worker with its Cache Storage wiped reads the pages' Dexie database.
      const restarted = await setup({ database: first.database, backend: first.backend })
      restarted.hand([record])
      const again = await restarted.get('own', record.token, undefined, 'tab-1', '&r=1')
      expect(await restarted.bytes(again)).toEqual(png(11))
      expect(first.backend.requests.get('own')).toBe(1)
      expect(restarted.questions).toEqual([])
      await expect
        .poll(() => restarted.told.flatMap((told) => told.message.images.map((image) => image.source)))
        .toEqual(['dexie'])
    })

    it('waits for a record on its way (r=1), and asks the page at once for one that is not', async () => {
      const { backend, hand, get, bytes, question, questions, answer } = await setup()
      const record = await backend.save(png(12), 'png', 'late')
      // The <img>'s request can reach the worker before the hand-over does.
      const early = get('late', record.token, undefined, undefined, '&r=1')
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(questions).toEqual([])
      hand([record])
      expect(await bytes(await early)).toEqual(png(12))
      expect(questions).toEqual([])
      // A URL written by hand, with no record on its way: the page is asked.
      const other = await backend.save(png(13), 'png', 'unknown')
      const asked = get('unknown', other.token)
      answer((await question(0)).requestId, other.token, await encryptImage(png(13), 'png'))
      expect(await bytes(await asked)).toEqual(png(13))
      expect(backend.requests.get('unknown')).toBeUndefined()
    })

    it("asks the page where the page's fetcher is a function, which cannot cross to the worker", async () => {
      const { backend, hand, source, get, bytes, question, answer } = await setup()
      const record = await backend.save(png(14), 'png', 'custom')
      hand([record], source(true))
      const response = get('custom', record.token, undefined, undefined, '&r=1')
      const asked = await question(0)
      expect(asked).toMatchObject({ type: SW_MESSAGE.IMAGE_REQUEST, id: 'custom', token: record.token })
      answer(asked.requestId, record.token, await encryptImage(png(14), 'png'))
      expect(await bytes(await response)).toEqual(png(14))
      expect(backend.requests.get('custom')).toBeUndefined()
    })

    it('after a restart decrypts its cached entry with the key of the handed record, asking nothing', async () => {
      const caches = makeCaches(`own-restart-${Date.now()}-${counter++}`, false)
      const first = await workerHarness(origin, () => caches)
      const record = await first.backend.save(png(15), 'png', 'kept')
      first.hand([record])
      expect((await first.get('kept', record.token, undefined, undefined, '&r=1')).status).toBe(200)
      const restarted = await workerHarness(origin, () => caches, { backend: first.backend })
      // The <img>'s request arrives before the page's hand-over: the worker waits for the key.
      const response = restarted.get('kept', record.token, undefined, undefined, '&r=1')
      await new Promise((resolve) => setTimeout(resolve, 20))
      restarted.hand([record])
      expect(await restarted.bytes(await response)).toEqual(png(15))
      expect(restarted.questions).toEqual([])
      expect(first.backend.requests.get('kept')).toBe(1)
    })

    it('on CLEAR aborts its own load in flight: nothing of it is answered, written to Dexie or cached', async () => {
      let release: () => void = () => undefined
      const held = new Promise<void>((resolve) => (release = resolve))
      const started: string[] = []
      const { backend, hand, get, page, database, cached } = await setup({
        fetcher:
          (fetcher: ImageFetcher): ImageFetcher =>
          async (record, context, signal, onProgress) => {
            started.push(record.id)
            const payload = await fetcher(record, context, signal, onProgress)
            // The answer comes after the logout.
            await held
            return payload
          },
      })
      const record = await backend.save(png(16), 'png', 'inflight')
      hand([record])
      const pending = get('inflight', record.token, undefined, undefined, '&r=1')
      await expect.poll(() => started).toEqual(['inflight'])
      page.postMessage({ type: SW_MESSAGE.CLEAR })
      expect((await pending).status).toBe(504)
      release()
      // A sentinel loaded after the clear has been written: the aborted load would have been too.
      const sentinel = await backend.save(png(17), 'png', 'sentinel')
      hand([sentinel])
      expect((await get('sentinel', sentinel.token, undefined, undefined, '&r=1')).status).toBe(200)
      expect((await database.images.toArray()).map((row) => row.id)).toEqual(['sentinel'])
      expect(await cached()).toEqual([`/_img/sentinel?t=${sentinel.token}`])
    })

    it('drops records a page handed before a clear that reach it after the clear, and confirms the clear once', async () => {
      const { backend, hand, get, page, question, answer, bytes, worker } = await setup()
      const confirmed: string[] = []
      page.addEventListener('message', (event: MessageEvent<SwMessage>) => {
        if (event.data.type === SW_MESSAGE.CLEARED) confirmed.push(event.data.clearId)
      })
      const record = await backend.save(png(20), 'png', 'stale')
      // Another tab's clear reaches the worker on the channel first...
      page.postMessage({ type: SW_MESSAGE.CLEAR, clearId: 'logout-1' })
      await expect.poll(() => confirmed).toEqual(['logout-1'])
      // ...then a record this page handed before it heard of the clear, then this page's own
      // word of the clear, on the same ordered path as the record.
      hand([record])
      await worker.receive({ type: SW_MESSAGE.CLEAR, clearId: 'logout-1' })
      // The old URL finds no record: the page is asked (and the page knows none either).
      const old = get('stale', record.token)
      const asked = await question(0)
      answer(asked.requestId, record.token, await encryptImage(png(20), 'png'))
      expect(await bytes(await old)).toEqual(png(20))
      expect(backend.requests.get('stale')).toBeUndefined()
      expect(confirmed).toEqual(['logout-1'])
    })

    it('keeps the newer version a page wrote to Dexie when it loads an older one of the same id', async () => {
      const { backend, hand, get, bytes, database, cached } = await setup()
      const old = await backend.save(png(18), 'png', 'raced')
      const pageService = createImageService({ cache: { database }, fetcher: backend.fetcher, locks: false })
      const newer = await backend.update('raced', png(19), 'png')
      await pageService.getImage(newer)
      hand([old])
      // The backend answers the old token with Updated: the worker shows the newer image.
      expect(await bytes(await get('raced', old.token, undefined, undefined, '&r=1'))).toEqual(png(19))
      expect(await database.images.get('raced')).toMatchObject({ token: newer.token })
      expect(await cached()).toEqual([`/_img/raced?t=${newer.token}`])
    })

    it('keeps at most maxEntries in Cache Storage, least recently used out first', async () => {
      const { get, question, answer, cached } = await setup({ maxEntries: 2 })
      for (const [i, id] of ['e', 'f', 'g'].entries()) {
        const response = get(id, 1)
        answer((await question(i)).requestId, 1, await encryptImage(png(i + 7), 'png'))
        await response
      }
      expect(await cached()).toEqual(['/_img/f?t=1', '/_img/g?t=1'])
    })
  })
}
