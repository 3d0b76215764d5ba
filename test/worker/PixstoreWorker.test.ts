// The worker's handler in Node, over an in-memory CacheStorage: the shared cases, and what
// only a controlled clock and cache can show.
import { describe, expect, it } from 'vitest'
import { encryptImage } from '../../src/testing'
import { PixstoreWorker } from '../../src/worker'
import { SW_CACHE_NAME, SW_MESSAGE, type SwMessage } from '../../src/protocol'
import { memoryCaches } from '../support/memoryCaches'
import { hasSettled, holdWrites } from '../support/testDatabase'
import { png, workerCases, workerHarness } from '../support/workerCases'

const ORIGIN = 'http://localhost'

workerCases('Node', ORIGIN, (_scope, refuse) => {
  const caches = memoryCaches(ORIGIN)
  caches.state.refusePuts = refuse
  return caches.storage
})

describe('PixstoreWorker options', () => {
  it.each([
    ['timeout', { timeout: 0 }],
    ['timeout', { timeout: Number.NaN }],
    ['maxEntries', { maxEntries: 0 }],
    ['maxEntries', { maxEntries: 1.5 }],
    ['memoryBytes', { memoryBytes: -1 }],
  ] as const)('refuses %s out of range: %o', (name, options) => {
    expect(
      () => new PixstoreWorker({ ...options, caches: memoryCaches(ORIGIN).storage, origin: ORIGIN }),
    ).toThrow(expect.objectContaining({ code: 'invalid-option', message: expect.stringContaining(name) }))
  })

  it('takes a fractional timeout and no memory at all', () => {
    const worker = new PixstoreWorker({
      timeout: 1.5,
      memoryBytes: 0,
      caches: memoryCaches(ORIGIN).storage,
      origin: ORIGIN,
    })
    worker.close()
  })
})

describe("PixstoreWorker's own loads in Node", () => {
  const harness = (options: Parameters<typeof workerHarness>[2] = {}) =>
    workerHarness(ORIGIN, () => memoryCaches(ORIGIN).storage, options)

  it('ignores what pages post that is not a record list with its source, or a clear', async () => {
    const { worker, backend, source, get, question, answer, bytes } = await harness()
    const record = await backend.save(png(30), 'png', 'ignored')
    for (const junk of [
      null,
      'records',
      { type: SW_MESSAGE.RECORDS, source: source() },
      { type: SW_MESSAGE.RECORDS, records: [record] },
      { type: SW_MESSAGE.RECORDS, records: [record], source: {} },
      { type: SW_MESSAGE.RECORDS, records: [record], source: { endpoint: {} } },
      { type: 'pixstore:other', records: [record], source: source() },
    ])
      await worker.receive(junk)
    const response = get('ignored', record.token)
    answer((await question(0)).requestId, record.token, await encryptImage(png(30), 'png'))
    expect(await bytes(await response)).toEqual(png(30))
    expect(backend.requests.get('ignored')).toBeUndefined()
  })

  it("drops from Cache Storage what its own writes evicted from the pages' database", async () => {
    const { backend, hand, get, cached, database } = await harness()
    const [a, b] = [await backend.save(png(31), 'png', 'a'), await backend.save(png(32), 'png', 'b')]
    const limited = { cache: { dbName: database.name, maxEntries: 1 }, endpoint: {} }
    hand([a, b], limited)
    expect((await get('a', a.token, undefined, undefined, '&r=1')).status).toBe(200)
    expect((await get('b', b.token, undefined, undefined, '&r=1')).status).toBe(200)
    await expect.poll(async () => (await database.images.toArray()).map((row) => row.id)).toEqual(['b'])
    await expect.poll(cached).toEqual([`/_img/b?t=${b.token}`])
  })

  it('asks the page for a proof the backend refuses and for a source it forgot', async () => {
    const { backend, hand, get, question, answer, bytes, page, questions } = await harness()
    const confirmed: string[] = []
    page.addEventListener('message', (event: MessageEvent<SwMessage>) => {
      if (event.data.type === SW_MESSAGE.CLEARED) confirmed.push(event.data.clearId)
    })
    const answerWith = async (index: number, seed: number, token: number) =>
      answer((await question(index)).requestId, token, await encryptImage(png(seed), 'png'))
    // A proof the backend refuses: the page can refresh the record.
    const refused = await backend.save(png(41), 'png', 'refused')
    hand([{ ...refused, statelessProof: 'not-a-proof' }])
    const proof = get('refused', refused.token, undefined, undefined, '&r=1')
    await answerWith(0, 41, refused.token)
    expect(await bytes(await proof)).toEqual(png(41))
    // A source pushed out by four newer ones has no service left: the page is asked. The
    // oldest of the four is still kept: its record loads without a question.
    const old = await backend.save(png(42), 'png', 'old')
    const kept = await backend.save(png(43), 'png', 'kept')
    hand([old], { cache: { dbName: 'one' }, endpoint: {} })
    hand([kept], { cache: { dbName: 'two' }, endpoint: {} })
    for (const dbName of ['three', 'four', 'five']) hand([], { cache: { dbName }, endpoint: {} })
    expect(await bytes(await get('kept', kept.token, undefined, undefined, '&r=1'))).toEqual(png(43))
    const forgotten = get('old', old.token, undefined, undefined, '&r=1')
    await answerWith(1, 42, old.token)
    expect(await bytes(await forgotten)).toEqual(png(42))
    expect(questions).toHaveLength(2)
    expect(backend.requests.get('old')).toBeUndefined()
    // Sources that never loaded have no service to clear: the clear is still confirmed.
    page.postMessage({ type: SW_MESSAGE.CLEAR, clearId: 'after' })
    await expect.poll(() => confirmed).toEqual(['after'])
  })

  it("answers its own load's failure with its status, asking the page nothing; waits for a record no longer than its timeout", async () => {
    const { backend, hand, get, questions } = await harness()
    const gone = await backend.save(png(44), 'png', 'gone')
    backend.remove('gone')
    hand([gone])
    const response = await get('gone', gone.token, undefined, undefined, '&r=1')
    expect(response.status).toBe(404)
    expect(questions).toEqual([])
    // A record said to be on its way that never comes: the page is asked after the timeout.
    const impatient = await harness({ timeout: 30 })
    expect((await impatient.get('never', 1, undefined, undefined, '&r=1')).status).toBe(504)
    expect(impatient.questions).toHaveLength(1)
  })

  it('answers its own load before its Dexie write lands; the fetch event lasts until it has', async () => {
    const { worker, backend, hand, database, bytes } = await harness()
    const held = holdWrites(database)
    const record = await backend.save(png(45), 'png', 'behind')
    hand([record])
    const extended: Array<Promise<unknown>> = []
    const request = new Request(`${ORIGIN}/_img/behind?t=${record.token}&r=1`)
    const response = await worker.handle(request, 'tab', (promise) => extended.push(promise))!
    expect(await bytes(response)).toEqual(png(45))
    expect(await hasSettled(Promise.all(extended))).toBe(false)
    held.release()
    await Promise.all(extended)
    expect((await database.images.get('behind'))?.token).toBe(record.token)
  })

  it('remembers the last 16 clear ids: one of them again only forgets records, an older one clears', async () => {
    const { worker, page, get, question } = await harness()
    const confirmed: string[] = []
    page.addEventListener('message', (event: MessageEvent<SwMessage>) => {
      if (event.data.type === SW_MESSAGE.CLEARED) confirmed.push(event.data.clearId)
    })
    for (let i = 0; i < 16; i++) await worker.receive({ type: SW_MESSAGE.CLEAR, clearId: `c${i}` })
    await worker.receive({ type: SW_MESSAGE.CLEAR, clearId: 'c0' })
    await expect.poll(() => confirmed.length).toBe(16)
    await worker.receive({ type: SW_MESSAGE.CLEAR, clearId: 'c16' })
    await worker.receive({ type: SW_MESSAGE.CLEAR, clearId: 'c0' })
    await expect.poll(() => confirmed.slice(16)).toEqual(['c16', 'c0'])
    // Clears without an id (from an older page) are never taken for a repeat: each clears.
    await worker.receive({ type: SW_MESSAGE.CLEAR })
    const pending = get('after', 1)
    await question(0)
    await worker.receive({ type: SW_MESSAGE.CLEAR })
    expect((await pending).status).toBe(504)
  })
})

describe('PixstoreWorker in Node', () => {
  const harness = (options: Parameters<typeof workerHarness>[2] = {}) =>
    workerHarness(ORIGIN, () => memoryCaches(ORIGIN).storage, options)

  it('handles only same-origin GETs under its prefix, and refuses bad ids with 400', async () => {
    const { worker, questions } = await harness()
    expect(worker.handle(new Request(`${ORIGIN}/_img/a?t=1`, { method: 'POST' }))).toBeUndefined()
    expect(worker.handle(new Request('http://elsewhere/_img/a?t=1'))).toBeUndefined()
    expect(worker.handle(new Request(`${ORIGIN}/_imgs/a?t=1`))).toBeUndefined()
    expect(worker.handle(new Request(`${ORIGIN}/other`))).toBeUndefined()
    const bad = await worker.handle(new Request(`${ORIGIN}/_img/..%2Fx?t=1`))!
    expect(bad.status).toBe(400)
    expect(bad.headers.get('cache-control')).toBe('no-store')
    expect(bad.headers.get('content-type')).toBe('text/plain')
    expect(bad.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await bad.text()).toMatch(/^Bad image request/)
    expect((await worker.handle(new Request(`${ORIGIN}/_img/a`))!).status).toBe(400)
    expect(questions).toEqual([])
  })

  it('shares one question between concurrent requests, then answers from memory with its type', async () => {
    const { get, question, answer, questions, bytes } = await harness()
    const version = await encryptImage(png(1), 'jpg')
    const [a, b] = [get('s', 1), get('s', 1)]
    const asked = await question(0)
    expect(asked).toMatchObject({ type: SW_MESSAGE.IMAGE_REQUEST, id: 's', token: 1 })
    answer(asked.requestId, 1, version)
    const [first, second] = await Promise.all([a, b])
    expect(first.headers.get('content-type')).toBe('image/jpeg')
    expect(first.headers.get('content-length')).toBe('64')
    expect(first.headers.get('cache-control')).toBe('private, immutable')
    // Opened in a tab, an image is a document of the app's origin: no script, no sniffing.
    expect(first.headers.get('x-content-type-options')).toBe('nosniff')
    expect(first.headers.get('content-security-policy')).toBe(
      "sandbox; default-src 'none'; style-src 'unsafe-inline'",
    )
    expect(await bytes(first)).toEqual(png(1))
    expect(await bytes(second)).toEqual(png(1))
    expect(await bytes(await get('s', 1))).toEqual(png(1))
    expect(questions).toHaveLength(1)
  })

  it('after a restart asks the page for the key only, then decrypts its own ciphertext', async () => {
    const caches = memoryCaches(ORIGIN)
    const first = await workerHarness(ORIGIN, () => caches.storage, { scope: `restart-${Date.now()}` })
    const version = await encryptImage(png(2), 'png')
    const response = first.get('k', 2)
    first.answer((await first.question(0)).requestId, 2, version)
    await response
    first.worker.close()
    // A new worker over the same Cache Storage: no key, no memory.
    const second = await workerHarness(ORIGIN, () => caches.storage, { memoryBytes: 0 })
    const again = second.get('k', 2)
    const asked = await second.question(0)
    expect(asked).toMatchObject({ type: SW_MESSAGE.KEY_REQUEST, id: 'k', token: 2 })
    second.answerKey(asked.requestId, version.meta)
    expect(await second.bytes(await again)).toEqual(png(2))
    // Now it holds the key: the next request needs nobody.
    expect(await second.bytes(await second.get('k', 2))).toEqual(png(2))
    expect(second.questions).toHaveLength(1)
  })

  it('maps the page failure codes to statuses, and answers 504 when nobody answers in time', async () => {
    const { get, question, page } = await harness()
    const cases = [
      ['not-found', 404],
      ['invalid-proof', 403],
      ['missing-proof', 403],
      ['decrypt-failed', 502],
    ] as const
    for (const [i, [code, status]] of cases.entries()) {
      const response = get(`f${i}`, 1)
      page.postMessage({
        type: SW_MESSAGE.IMAGE_RESPONSE,
        requestId: (await question(i)).requestId,
        ok: false,
        code,
      })
      const answered = await response
      expect(answered.status).toBe(status)
      expect(await answered.text()).toBe(`Image unavailable: ${code}`)
    }
    const impatient = await harness({ timeout: 30 })
    expect((await impatient.get('silent', 1)).status).toBe(504)
  })

  it('asks again when a bridge announces itself, and drops what Dexie evicted', async () => {
    const { get, question, answer, page, cached, questions } = await harness()
    const version = await encryptImage(png(3), 'png')
    const pending = get('e', 3)
    const first = await question(0)
    page.postMessage({ type: SW_MESSAGE.BRIDGE_READY })
    const again = await question(1)
    expect(again).toEqual(first)
    answer(first.requestId, 3, version)
    expect((await pending).status).toBe(200)
    expect(await cached()).toEqual(['/_img/e?t=3'])
    page.postMessage({ type: SW_MESSAGE.EVICT, ids: ['e'] })
    await expect.poll(cached).toEqual([])
    // Gone from memory too: the next request asks the page.
    void get('e', 3)
    await question(2)
    expect(questions).toHaveLength(3)
  })

  it('deletes caches of other versions on activate', async () => {
    const caches = memoryCaches(ORIGIN)
    await caches.storage.open('pixstore-images-v0')
    await caches.storage.open('someone-else')
    const { worker } = await workerHarness(ORIGIN, () => caches.storage)
    await caches.storage.open(worker.cacheName)
    await worker.deleteOldCaches()
    expect((await caches.storage.keys()).sort()).toEqual([worker.cacheName, 'someone-else'].sort())
  })
})

describe('PixstoreWorker and a store in progress', () => {
  it('answers once decrypted, before its store lands; the event waits for the store, and a request meanwhile joins it', async () => {
    const caches = memoryCaches(ORIGIN)
    let release = () => undefined as void
    caches.state.holdPuts = new Promise((resolve) => (release = resolve))
    const { worker, question, answer, questions, cached, bytes } = await workerHarness(
      ORIGIN,
      () => caches.storage,
    )
    const extended: Array<Promise<unknown>> = []
    const fetchEvent = () =>
      worker.handle(new Request(`${ORIGIN}/_img/early?t=3`), 'tab', (promise) => extended.push(promise))!
    const first = fetchEvent()
    answer((await question(0)).requestId, 3, await encryptImage(png(3), 'png'))
    // The store is held: the image is answered all the same.
    expect(await bytes(await first)).toEqual(png(3))
    expect(caches.state.puts).toBe(1)
    let stored = false
    void Promise.all(extended).then(() => (stored = true))
    // A request for the same URL while the store runs joins it: the page is not asked again.
    expect(await bytes(await fetchEvent())).toEqual(png(3))
    expect(questions).toHaveLength(1)
    expect(stored).toBe(false)
    release()
    await expect.poll(() => stored).toBe(true)
    expect(await cached()).toEqual(['/_img/early?t=3'])
  })

  it('keeps nothing of an answer whose store a CLEAR interrupts', async () => {
    const caches = memoryCaches(ORIGIN)
    let release = () => undefined as void
    caches.state.holdPuts = new Promise((resolve) => (release = resolve))
    const { get, question, answer, page, cached } = await workerHarness(ORIGIN, () => caches.storage)
    const event = get('mid', 9)
    answer((await question(0)).requestId, 9, await encryptImage(png(9), 'png'))
    // The answer is decrypted and being stored: now the logout.
    await expect.poll(() => caches.state.puts).toBe(1)
    page.postMessage({ type: SW_MESSAGE.CLEAR })
    await expect.poll(async () => await caches.storage.has('pixstore-images-v1')).toBe(false)
    release()
    // Answered before the logout came; nothing of it is kept after.
    expect((await event).status).toBe(200)
    expect(await cached()).toEqual([])
    // Nor is it in memory: the next request asks the page.
    void get('mid', 9)
    await question(1)
  })

  it('answers nobody new from a flight that a CLEAR interrupted while it stored', async () => {
    const caches = memoryCaches(ORIGIN)
    let release = () => undefined as void
    caches.state.holdPuts = new Promise((resolve) => (release = resolve))
    const { worker, get, question, questions, answer, page, cached, bytes } = await workerHarness(
      ORIGIN,
      () => caches.storage,
    )
    const event = get('mid', 9)
    answer((await question(0)).requestId, 9, await encryptImage(png(9), 'png'))
    await expect.poll(() => caches.state.puts).toBe(1)
    page.postMessage({ type: SW_MESSAGE.CLEAR })
    await expect.poll(async () => await caches.storage.has('pixstore-images-v1')).toBe(false)
    // A request after the logout, while that store still runs, is asked of the page anew.
    const request = () => new Request(`${ORIGIN}/_img/mid?t=9`)
    let stored: Promise<unknown> = Promise.resolve()
    const after = worker.handle(request(), 'tab', (promise) => (stored = promise))!
    const asked = await question(1)
    // The old flight ends; a request now joins the new one, still waiting for the page.
    release()
    expect((await event).status).toBe(200)
    const joined = worker.handle(request(), 'tab')!
    answer(asked.requestId, 9, await encryptImage(png(10), 'png'))
    expect(await bytes(await after)).toEqual(png(10))
    expect(await bytes(await joined)).toEqual(png(10))
    expect(questions).toHaveLength(2)
    // Of the answer from before the logout nothing is kept, only the one after it.
    await stored
    expect(await cached()).toEqual(['/_img/mid?t=9'])
  })
})

describe('PixstoreWorker: writes wait for the answers being found', () => {
  const harness = async (options: Parameters<typeof workerHarness>[2] = {}) => {
    const caches = memoryCaches(ORIGIN)
    const worker = await workerHarness(ORIGIN, () => caches.storage, options)
    const extended: Array<Promise<unknown>> = []
    /** A fetch event, answered without waiting for what it extends (its write). */
    const respond = (id: string) =>
      worker.worker.handle(new Request(`${ORIGIN}/_img/${id}?t=1`), 'tab', (p) => extended.push(p))!
    return { ...worker, caches, extended, respond }
  }

  it('stores what it answered once no other answer is being found, one write at a time', async () => {
    const { caches, respond, extended, question, answer, questions, cached, bytes } = await harness()
    const first = respond('a')
    const pending = respond('b')
    const [asked, waiting] = [await question(0), await question(1)]
    answer(asked.requestId, 1, await encryptImage(png(1), 'png'))
    expect(await bytes(await first)).toEqual(png(1))
    // `b` is still being found: `a` waits for its write, and its flight answers its URL meanwhile.
    expect(await bytes(await respond('a'))).toEqual(png(1))
    expect(questions).toHaveLength(2)
    expect(caches.state.puts).toBe(0)
    const storing = gate()
    caches.state.holdPuts = storing.closed
    answer(waiting.requestId, 1, await encryptImage(png(2), 'png'))
    expect((await pending).status).toBe(200)
    // Now both are written, the second once the first is done, whatever answer ends meanwhile.
    await expect.poll(() => caches.state.puts).toBe(1)
    const third = respond('c')
    answer((await question(2)).requestId, 1, await encryptImage(png(3), 'png'))
    expect((await third).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(caches.state.puts).toBe(1)
    storing.open()
    await Promise.all(extended)
    expect(await cached()).toEqual(['/_img/a?t=1', '/_img/b?t=1', '/_img/c?t=1'])
  })

  it('holds up to memoryBytes waiting, an image counted with its ciphertext', async () => {
    const image = await encryptImage(png(1), 'png')
    const { respond, question, answer, cached, caches } = await harness({
      memoryBytes: image.encrypted.byteLength + png(1).byteLength,
    })
    // Alone, written at once; once it has started it holds nothing waiting.
    const alone = respond('a')
    answer((await question(0)).requestId, 1, image)
    expect((await alone).status).toBe(200)
    await expect.poll(cached).toEqual(['/_img/a?t=1'])
    const answered = respond('b')
    void respond('c')
    answer((await question(1)).requestId, 1, image)
    await question(2)
    expect((await answered).status).toBe(200)
    // Exactly memoryBytes waiting while `c` is being found: it waits.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(caches.state.puts).toBe(1)
  })

  it('writes at once past memoryBytes waiting', async () => {
    const image = await encryptImage(png(1), 'png')
    const { respond, question, answer, cached } = await harness({
      memoryBytes: image.encrypted.byteLength - 1,
    })
    const answered = respond('a')
    let found = false
    void respond('b').then(() => (found = true))
    const [asked] = [await question(0), await question(1)]
    answer(asked.requestId, 1, image)
    expect((await answered).status).toBe(200)
    // More than it may hold waiting: written while `b` is still being found.
    await expect.poll(cached).toEqual(['/_img/a?t=1'])
    expect(found).toBe(false)
  })

  it('keeps nothing of a write a CLEAR overtook while it waited', async () => {
    const { respond, extended, question, answer, page, cached, caches } = await harness()
    const answered = respond('a')
    const pending = respond('b')
    answer((await question(0)).requestId, 1, await encryptImage(png(1), 'png'))
    await question(1)
    expect((await answered).status).toBe(200)
    // The logout comes while `a` waits for its write: it is never written, nor kept in memory.
    page.postMessage({ type: SW_MESSAGE.CLEAR })
    expect((await pending).status).toBe(504)
    await Promise.all(extended)
    expect(caches.state.puts).toBe(0)
    void respond('a')
    await question(2)
    expect(await cached()).toEqual([])
  })
})

/** A gate a test opens: what waits on `closed` goes on once `open()` is called. */
function gate() {
  let open = () => undefined as void
  const closed = new Promise<void>((resolve) => (open = resolve))
  return { closed, open }
}

/** WebCrypto whose decryptions wait for `state.hold`, counted in `state.decrypts`. */
function heldCrypto() {
  const state = { hold: Promise.resolve(), decrypts: 0 }
  const subtle = {
    importKey: (...args: Parameters<SubtleCrypto['importKey']>) => crypto.subtle.importKey(...args),
    decrypt: async (...args: Parameters<SubtleCrypto['decrypt']>) => {
      state.decrypts++
      await state.hold
      return crypto.subtle.decrypt(...args)
    },
  } as unknown as SubtleCrypto
  const held = { subtle, randomUUID: () => crypto.randomUUID() } as unknown as Crypto
  return { crypto: held, state }
}

describe('PixstoreWorker: clients, memory and failures', () => {
  const harness = (options: Parameters<typeof workerHarness>[2] = {}, caches = memoryCaches(ORIGIN)) =>
    workerHarness(ORIGIN, () => caches.storage, options)
  /** A worker that stored version `token` of `id` and stopped, then a new one over its Cache Storage. */
  const restarted = async (
    caches: ReturnType<typeof memoryCaches>,
    id: string,
    token: number,
    version: Awaited<ReturnType<typeof encryptImage>>,
    options: Parameters<typeof workerHarness>[2] = {},
  ) => {
    const first = await harness({}, caches)
    const stored = first.get(id, token)
    first.answer((await first.question(0)).requestId, token, version)
    await stored
    first.worker.close()
    return harness(options, caches)
  }

  it('asks again for a client that joins a pending question, not for one that already asked', async () => {
    const { get, question, answer, questions } = await harness()
    const version = await encryptImage(png(1), 'png')
    // Two clients before the question is even posted: one question.
    const early = [get('c', 1, undefined, 'tab-1'), get('c', 1, undefined, 'tab-2')]
    const asked = await question(0)
    const reposts = () => questions.filter((q) => q.requestId === asked.requestId).length - 1
    const same = get('c', 1, undefined, 'tab-1')
    // A question for another image, posted after: once it is here, a repost would be too.
    void get('sentinel', 1)
    await expect.poll(() => questions.some((q) => 'id' in q && q.id === 'sentinel')).toBe(true)
    expect(reposts()).toBe(0)
    const reloaded = get('c', 1, undefined, 'tab-3')
    await expect.poll(reposts).toBe(1)
    answer(asked.requestId, 1, version)
    // Its write waits while the sentinel is being found.
    const sentinel = questions.find((q) => 'id' in q && q.id === 'sentinel')!
    answer(sentinel.requestId, 1, version)
    for (const response of [...early, same, reloaded]) expect((await response).status).toBe(200)
  })

  it('keeps what it served in memory by default, so a repeat view needs neither Cache Storage nor the page', async () => {
    const caches = memoryCaches(ORIGIN)
    const { get, question, answer, questions, bytes } = await harness({}, caches)
    const response = get('m', 1)
    answer((await question(0)).requestId, 1, await encryptImage(png(4), 'png'))
    await response
    await caches.storage.delete(SW_CACHE_NAME)
    const matches = caches.state.matches
    expect(await bytes(await get('m', 1))).toEqual(png(4))
    expect(caches.state.matches).toBe(matches)
    expect(questions).toHaveLength(1)
  })

  it('answers 502 server-error when Cache Storage fails in a way it does not know', async () => {
    const caches = memoryCaches(ORIGIN)
    caches.storage.match = () => Promise.reject(new TypeError('storage went away'))
    const { get } = await harness({}, caches)
    const response = await get('x', 1)
    expect(response.status).toBe(502)
    expect(await response.text()).toBe('Image unavailable: server-error')
  })

  it('drops a cached entry that fails to decrypt and asks the page for the image once; a refused key keeps it', async () => {
    const caches = memoryCaches(ORIGIN)
    const [good, other] = [await encryptImage(png(5), 'png'), await encryptImage(png(6), 'png')]
    // After a restart the page answers the key request with a key of another image.
    const second = await restarted(caches, 'd', 5, good, { memoryBytes: 0 })
    const response = second.get('d', 5)
    const keyQuestion = await second.question(0)
    second.answerKey(keyQuestion.requestId, other.meta)
    const imageQuestion = await second.question(1)
    expect(imageQuestion).toMatchObject({ type: SW_MESSAGE.IMAGE_REQUEST, id: 'd', token: 5 })
    second.answer(imageQuestion.requestId, 5, good)
    expect(await second.bytes(await response)).toEqual(png(5))
    expect(await second.cached()).toEqual(['/_img/d?t=5'])
    second.worker.close()

    // A page that refuses the key is answered as it said, and the entry stays.
    const third = await harness({ memoryBytes: 0 }, caches)
    const refused = third.get('d', 5)
    const asked = await third.question(0)
    third.page.postMessage({
      type: SW_MESSAGE.KEY_RESPONSE,
      requestId: asked.requestId,
      ok: false,
      code: 'not-found',
    })
    expect((await refused).status).toBe(404)
    expect(third.questions).toHaveLength(1)
    expect(await third.cached()).toEqual(['/_img/d?t=5'])
  })

  it('keeps nothing of an image Dexie evicted while it was being stored or decrypted', async () => {
    const caches = memoryCaches(ORIGIN)
    const storing = gate()
    caches.state.holdPuts = storing.closed
    const held = heldCrypto()
    // With one byte to hold, a write does not wait for the request kept pending below.
    const { get, question, answer, page, cached, questions } = await harness(
      { crypto: held.crypto, memoryBytes: 1 },
      caches,
    )
    // A request that stays pending: a BRIDGE_READY posted after an EVICT asks its question
    // again, so once that repost is seen the EVICT has been handled (messages keep their order).
    const other = await question((void get('other', 1), 0))
    const evictHandled = async (ids: string[]) => {
      const reposts = () => questions.filter((q) => q.requestId === other.requestId).length
      const before = reposts()
      page.postMessage({ type: SW_MESSAGE.EVICT, ids })
      page.postMessage({ type: SW_MESSAGE.BRIDGE_READY })
      await expect.poll(reposts).toBe(before + 1)
    }
    const response = get('ev', 1)
    answer((await question(1)).requestId, 1, await encryptImage(png(7), 'png'))
    await expect.poll(() => caches.state.puts).toBe(1)
    await evictHandled(['ev'])
    storing.open()
    expect((await response).status).toBe(200)
    expect(await cached()).toEqual([])
    const asked = questions.length
    void get('ev', 1)
    await question(asked)

    // Evicted while its answer is being decrypted: it is not even written.
    const decrypting = gate()
    held.state.hold = decrypting.closed
    const later = get('ev2', 1)
    answer((await question(asked + 1)).requestId, 1, await encryptImage(png(8), 'png'))
    await expect.poll(() => held.state.decrypts).toBe(1)
    await evictHandled(['ev2'])
    decrypting.open()
    expect((await later).status).toBe(200)
    expect(caches.state.puts).toBe(1)
    expect(await cached()).toEqual([])
  })

  it('drops only the evicted id from memory, whatever ids share its prefix', async () => {
    const { get, question, answer, page, questions, cached } = await harness()
    const ids = ['e', 'e2', 'x']
    for (const [i, id] of ids.entries()) {
      const response = get(id, 1)
      answer((await question(i)).requestId, 1, await encryptImage(png(i + 1), 'png'))
      await response
    }
    page.postMessage({ type: SW_MESSAGE.EVICT, ids: ['e'] })
    await expect.poll(cached).toEqual(['/_img/e2?t=1', '/_img/x?t=1'])
    void get('e', 1)
    await question(3)
    expect((await get('e2', 1)).status).toBe(200)
    expect((await get('x', 1)).status).toBe(200)
    expect(questions).toHaveLength(4)
  })

  it('after a CLEAR during a cache read asks nothing, and a bridge announcing itself then is no error', async () => {
    const caches = memoryCaches(ORIGIN)
    const { get, page, question, questions } = await harness({}, caches)
    // A request waiting on the page: its 504 shows when the CLEAR has been handled.
    const waiting = get('w', 1)
    await question(0)
    const reading = gate()
    caches.state.holdMatches = reading.closed
    const response = get('r', 1)
    await expect.poll(() => caches.state.matches).toBe(2)
    page.postMessage({ type: SW_MESSAGE.BRIDGE_READY })
    page.postMessage({ type: SW_MESSAGE.CLEAR })
    expect((await waiting).status).toBe(504)
    reading.open()
    expect((await response).status).toBe(504)
    // A question posted after it arrives after anything it would have asked.
    caches.state.holdMatches = Promise.resolve()
    void get('s', 1)
    await expect.poll(() => questions.some((q) => 'id' in q && q.id === 's')).toBe(true)
    expect(questions.filter((q) => 'id' in q && q.id === 'r')).toEqual([])
  })

  it.each(['CLEAR', 'EVICT'] as const)(
    'after %s while it decrypts from Cache Storage keeps nothing in memory',
    async (what) => {
      const caches = memoryCaches(ORIGIN)
      const version = await encryptImage(png(9), 'png')
      // A restart: the ciphertext is in Cache Storage, nothing is in memory.
      const held = heldCrypto()
      const { get, question, page, questions, answerKey } = await restarted(caches, 'z', 1, version, {
        crypto: held.crypto,
      })
      const decrypting = gate()
      held.state.hold = decrypting.closed
      const response = get('z', 1)
      const asked = await question(0)
      answerKey(asked.requestId, version.meta)
      await expect.poll(() => held.state.decrypts).toBe(1)
      page.postMessage(what === 'CLEAR' ? { type: SW_MESSAGE.CLEAR } : { type: SW_MESSAGE.EVICT, ids: ['z'] })
      await expect.poll(async () => (await caches.storage.match('/_img/z?t=1')) === undefined).toBe(true)
      decrypting.open()
      expect((await response).status).toBe(what === 'CLEAR' ? 504 : 200)
      // Not served from memory: the next request asks the page.
      void get('z', 1)
      await question(1)
      expect(questions).toHaveLength(2)
    },
  )

  it('listens on the pixstore channel by default', async () => {
    const page = new BroadcastChannel('pixstore')
    const asked: unknown[] = []
    page.onmessage = (event: MessageEvent) => asked.push(event.data)
    const worker = new PixstoreWorker({
      caches: memoryCaches(ORIGIN).storage,
      origin: ORIGIN,
      timeout: 10_000,
    })
    const response = worker.handle(new Request(`${ORIGIN}/_img/chan?t=1`))!
    await expect
      .poll(() => asked)
      .toEqual([expect.objectContaining({ type: SW_MESSAGE.IMAGE_REQUEST, id: 'chan' })])
    worker.close()
    page.close()
    expect((await response).status).toBe(504)
  })

  it('answers 504 to a question pending when it closes', async () => {
    const { get, question, worker } = await harness()
    const response = get('q', 1)
    await question(0)
    worker.close()
    expect((await response).status).toBe(504)
  })

  it('confirms a CLEAR that carries an id once the old session is dropped, and answers the new one', async () => {
    const scope = `worker-cleared-${Date.now()}`
    const { get, question, answer, page } = await harness({ scope })
    const confirmations: SwMessage[] = []
    const listener = new BroadcastChannel(scope)
    listener.onmessage = (event: MessageEvent<SwMessage>) => {
      if (event.data.type === SW_MESSAGE.CLEARED) confirmations.push(event.data)
    }
    try {
      const old = get('m', 1)
      await question(0)
      // A clear made elsewhere (the core API in a tab without a bridge) asks no confirmation.
      page.postMessage({ type: SW_MESSAGE.CLEAR })
      expect((await old).status).toBe(504)
      page.postMessage({ type: SW_MESSAGE.CLEAR, clearId: 'c1' })
      await expect.poll(() => confirmations).toEqual([{ type: SW_MESSAGE.CLEARED, clearId: 'c1' }])
      // What is asked after the confirmation is the new session's: asked and answered.
      const fresh = get('n', 1)
      answer((await question(1)).requestId, 1, await encryptImage(png(3), 'png'))
      expect((await fresh).status).toBe(200)
    } finally {
      listener.close()
    }
  })

  it('forgets what it holds in memory on CLEAR: the next request asks the page', async () => {
    const caches = memoryCaches(ORIGIN)
    const { get, question, answer, page, questions } = await harness({}, caches)
    const first = get('m', 1)
    answer((await question(0)).requestId, 1, await encryptImage(png(3), 'png'))
    await first
    page.postMessage({ type: SW_MESSAGE.CLEAR })
    await expect.poll(async () => (await caches.storage.match('/_img/m?t=1')) === undefined).toBe(true)
    void get('m', 1)
    await question(1)
    expect(questions).toHaveLength(2)
  })

  it('drops only the evicted image from a store in progress, not another one stored beside it', async () => {
    const caches = memoryCaches(ORIGIN)
    const storing = gate()
    caches.state.holdPuts = storing.closed
    const { get, question, answer, page, cached, questions } = await harness({}, caches)
    const kept = get('keep', 1)
    answer((await question(0)).requestId, 1, await encryptImage(png(4), 'png'))
    await expect.poll(() => caches.state.puts).toBe(1)
    const waiting = await question((void get('other', 1), 1))
    page.postMessage({ type: SW_MESSAGE.EVICT, ids: ['gone'] })
    page.postMessage({ type: SW_MESSAGE.BRIDGE_READY })
    await expect.poll(() => questions.filter((q) => q.requestId === waiting.requestId)).toHaveLength(2)
    storing.open()
    expect((await kept).status).toBe(200)
    expect(await cached()).toEqual(['/_img/keep?t=1'])
  })

  it('after a restart keeps what it decrypted from Cache Storage in memory', async () => {
    const caches = memoryCaches(ORIGIN)
    const version = await encryptImage(png(5), 'png')
    const second = await restarted(caches, 'r', 1, version)
    const response = second.get('r', 1)
    const asked = await second.question(0)
    second.answerKey(asked.requestId, version.meta)
    expect((await response).status).toBe(200)
    const reads = caches.state.matches
    expect(await second.bytes(await second.get('r', 1))).toEqual(png(5))
    expect(caches.state.matches).toBe(reads)
  })
})
