// The worker's handler in Node, over an in-memory CacheStorage: the shared cases, and what
// only a controlled clock and cache can show.
import { describe, expect, it } from 'vitest'
import { encryptImage } from '../../src/core'
import { PixstoreWorker, SW_MESSAGE } from '../../src/sw'
import { memoryCaches } from '../support/memoryCaches'
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
    second.page.postMessage({
      type: SW_MESSAGE.KEY_RESPONSE,
      requestId: asked.requestId,
      ok: true,
      meta: version.meta,
    })
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

describe('PixstoreWorker and a CLEAR in the middle of a store', () => {
  it('answers 504 for a request asked before CLEAR even when its image was already decrypted', async () => {
    const caches = memoryCaches(ORIGIN)
    let release = () => undefined as void
    caches.state.holdPuts = new Promise((resolve) => (release = resolve))
    const { get, question, answer, page, cached } = await workerHarness(ORIGIN, () => caches.storage)
    const version = await encryptImage(png(9), 'png')
    const response = get('mid', 9)
    answer((await question(0)).requestId, 9, version)
    // The answer is decrypted and being stored: now the logout.
    await expect.poll(() => caches.state.puts).toBe(1)
    page.postMessage({ type: SW_MESSAGE.CLEAR })
    await expect.poll(async () => await caches.storage.has('pixstore-images-v1')).toBe(false)
    release()
    expect((await response).status).toBe(504)
    expect(await cached()).toEqual([])
  })
})
