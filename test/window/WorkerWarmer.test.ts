// The page handing the worker what it showed while the worker registered, in Node: the
// client, its bridge and its worker status are real, the container is a fake the test
// takes over with, and the requests go to a fetch the test answers.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { PixstoreClient, type ImageRecord } from '../../src'
import { WorkerWarmer } from '../../src/window'
import { imageUrl } from '../../src/protocol'
import { fakeWorkerContainer } from '../support/fakeWorkerContainer'
import { putEntries, testDatabase } from '../support/testDatabase'

let counter = 0
const stops: Array<() => void> = []
afterEach(() => stops.splice(0).forEach((stop) => stop()))

const record = (id: string): ImageRecord => ({
  id,
  token: 7,
  meta: { key: 'a2V5', iv: 'aXY=', tag: 'dGFn' },
  statelessProof: 'proof',
})

/** A fetch whose answers the test gives, one pending request per URL. */
function fakeFetch() {
  const pending = new Map<
    string,
    { signal: AbortSignal; answer: (body?: string) => void; fail: () => void }
  >()
  const cancelled: string[] = []
  const fetch = vi.fn(
    (url: string, init: { signal: AbortSignal }) =>
      new Promise<Response>((resolve, reject) => {
        const answer = (body = 'ciphertext') =>
          resolve(
            new Response(
              new ReadableStream({
                start: (controller) => controller.enqueue(new TextEncoder().encode(body)),
                cancel: () => void cancelled.push(url),
              }),
            ),
          )
        init.signal.addEventListener('abort', () => reject(init.signal.reason))
        pending.set(url, { signal: init.signal, answer, fail: () => reject(new TypeError('failed')) })
      }),
  )
  return { fetch, pending, cancelled }
}

async function setup({
  readyTimeout = 60_000,
  concurrency,
}: { readyTimeout?: number; concurrency?: number } = {}) {
  const { db } = await testDatabase()
  const fake = fakeWorkerContainer()
  const channel = `warmer-${Date.now()}-${counter++}`
  const client = new PixstoreClient({
    config: { cache: { database: db } },
    serviceWorker: { container: fake.container, readyTimeout },
    channel,
  })
  stops.push(client.mount())
  // An image's path listening to the status is what registers the worker.
  stops.push(client.subscribeWorkerStatus(() => undefined))
  const register = vi.spyOn(client.bridge, 'register')
  const base = client.getClearEpoch()
  const requests = fakeFetch()
  /** Ids the page's cache no longer holds. */
  const evicted = new Set<string>()
  /** Ids whose cache check waits for the promise the test gives, and the ids checked. */
  const checking = new Map<string, Promise<void>>()
  const checked: string[] = []
  const warmer = new WorkerWarmer({
    getStatus: client.getWorkerStatus,
    subscribeStatus: client.subscribeWorkerStatus,
    bridge: client.bridge,
    isCached: async (id) => {
      checked.push(id)
      await checking.get(id)
      return !evicted.has(id)
    },
    concurrency,
    fetch: requests.fetch,
  })
  return {
    client,
    channel,
    warmer,
    register,
    evicted,
    checking,
    checked,
    takeOver: fake.takeOver,
    /** The worker URL of `id` after `clears` more clears than there were at the setup. */
    url: (id: string, clears = 0) => url(id, base + clears),
    ...requests,
  }
}

// The client hands the worker its records, and says so in the URL; after the document's
// clears (earlier tests' too: a new client counts on from them), their count.
const url = (id: string, epoch: number) => `/_img/${id}?t=7&r=1${epoch ? `&e=${epoch}` : ''}`

describe('WorkerWarmer', () => {
  it('holds images while the worker registers, then requests each worker URL once, two at a time, its record registered first', async () => {
    const s = await setup()
    const [a, b, c] = ['a', 'b', 'c'].map(record)
    s.fetch.mockImplementationOnce((...args) => {
      // The worker's question for it must find the record.
      expect(s.register).toHaveBeenLastCalledWith(a)
      return s.fetch.getMockImplementation()!(...args)
    })
    for (const image of [a, b, c, a]) s.warmer.warm(image!)
    expect(s.fetch).not.toHaveBeenCalled()
    s.takeOver()
    await expect
      .poll(() => s.fetch.mock.calls.map(([requested]) => requested))
      .toEqual([s.url('a'), s.url('b')])
    s.warmer.warm(a!)
    s.pending.get(s.url('a'))!.answer()
    await expect
      .poll(() => s.fetch.mock.calls.map(([requested]) => requested))
      .toEqual([s.url('a'), s.url('b'), s.url('c')])
    // The worker kept the image as it answered; the page reads none of it.
    await expect.poll(() => s.cancelled).toEqual([s.url('a')])
    s.pending.get(s.url('b'))!.answer()
    s.pending.get(s.url('c'))!.answer()
    await expect.poll(() => s.cancelled).toHaveLength(3)
    expect(s.fetch).toHaveBeenCalledTimes(3)
    expect(s.register.mock.calls.map(([registered]) => registered.id)).toEqual(['a', 'b', 'c'])
  })

  it("requests under the given prefix through the page's own fetch when none is passed", async () => {
    const fetch = vi.fn<(url: string, init: { signal: AbortSignal }) => Promise<Response>>(
      async () => new Response('ciphertext'),
    )
    vi.stubGlobal('fetch', fetch)
    try {
      const warmer = new WorkerWarmer({
        getStatus: () => 'ready',
        subscribeStatus: () => () => undefined,
        bridge: {
          register: () => undefined,
          onClear: () => () => undefined,
          urlOf: (record, prefix) => imageUrl(record.id, record.token, prefix, { handed: true }),
        },
        isCached: async () => true,
        prefix: '/private',
      })
      warmer.warm(record('a'))
      await expect
        .poll(() => fetch.mock.calls.map(([requested]) => requested))
        .toEqual(['/private/a?t=7&r=1'])
      expect(fetch.mock.calls[0]![1].signal).toBeInstanceOf(AbortSignal)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('requests an image asked for once the worker is in control, and goes on after a failed request', async () => {
    const s = await setup({ concurrency: 1 })
    s.takeOver()
    await expect.poll(() => s.client.getWorkerStatus()).toBe('ready')
    s.warmer.warm(record('a'))
    s.warmer.warm(record('b'))
    await expect.poll(() => s.fetch.mock.calls.map(([requested]) => requested)).toEqual([s.url('a')])
    s.pending.get(s.url('a'))!.fail()
    await expect
      .poll(() => s.fetch.mock.calls.map(([requested]) => requested))
      .toEqual([s.url('a'), s.url('b')])
  })

  it("leaves out an image the page's cache evicted since it showed: handing it over would fetch it again", async () => {
    const s = await setup({ concurrency: 1 })
    s.takeOver()
    await expect.poll(() => s.client.getWorkerStatus()).toBe('ready')
    s.evicted.add('a')
    s.warmer.warm(record('a'))
    s.warmer.warm(record('b'))
    await expect.poll(() => s.fetch.mock.calls.map(([requested]) => requested)).toEqual([s.url('b')])
    expect(s.register.mock.calls.map(([registered]) => registered.id)).toEqual(['b'])
  })

  it('drops what waits when registration fails, and takes nothing without a worker', async () => {
    const s = await setup({ readyTimeout: 30 })
    s.warmer.warm(record('a'))
    await expect.poll(() => s.client.getWorkerStatus()).toBe('failed')
    s.warmer.warm(record('b'))
    // A takeover after the timeout turns the status ready; nothing was kept for it.
    s.takeOver()
    await expect.poll(() => s.client.getWorkerStatus()).toBe('ready')
    s.warmer.warm(record('c'))
    await expect.poll(() => s.fetch.mock.calls.map(([requested]) => requested)).toEqual([s.url('c')])

    const requests = fakeFetch()
    const { db } = await testDatabase()
    const off = new PixstoreClient({ config: { cache: { database: db } }, serviceWorker: false })
    expect(
      () =>
        new WorkerWarmer({
          getStatus: off.getWorkerStatus,
          subscribeStatus: off.subscribeWorkerStatus,
          bridge: off.bridge,
          isCached: async () => true,
          concurrency: 0,
        }),
    ).toThrow(
      expect.objectContaining({ code: 'invalid-option', message: expect.stringContaining('concurrency') }),
    )
    const warmer = new WorkerWarmer({
      getStatus: off.getWorkerStatus,
      subscribeStatus: off.subscribeWorkerStatus,
      bridge: off.bridge,
      isCached: async () => true,
      fetch: requests.fetch,
    })
    warmer.warm(record('a'))
    // Whatever would follow runs in microtasks: one task later it would have run.
    await new Promise((resolve) => setTimeout(resolve))
    expect(requests.fetch).not.toHaveBeenCalled()
  })

  it('after a clear during the cache check, neither registers the record nor requests it', async () => {
    const s = await setup()
    s.takeOver()
    await expect.poll(() => s.client.getWorkerStatus()).toBe('ready')
    let release = () => undefined as void
    s.checking.set('a', new Promise<void>((resolve) => (release = resolve)))
    s.warmer.warm(record('a'))
    await expect.poll(() => s.checked).toEqual(['a'])
    await s.client.clear()
    release()
    s.warmer.warm(record('b'))
    await expect.poll(() => s.fetch.mock.calls.map(([requested]) => requested)).toEqual([s.url('b', 1)])
    // The bridge forgot every record at the clear: one from before must not come back.
    expect(s.register.mock.calls.map(([registered]) => registered.id)).toEqual(['b'])
  })

  it("waits until the page's own images have loaded, and a clear while it waits drops the image", async () => {
    const fetch = vi.fn<(url: string, init: { signal: AbortSignal }) => Promise<Response>>(
      async () => new Response('ciphertext'),
    )
    vi.stubGlobal('fetch', fetch)
    try {
      const { db } = await testDatabase()
      const fake = fakeWorkerContainer()
      const held: Array<() => void> = []
      const client = new PixstoreClient({
        config: {
          cache: { database: db },
          // The page's own load of an image: it ends when the test says.
          fetcher: (_record, _context, signal) =>
            new Promise((_resolve, reject) => {
              held.push(() => reject(new Error('gone')))
              signal.addEventListener('abort', () => reject(signal.reason))
            }),
        },
        serviceWorker: { container: fake.container },
        channel: `warmer-${Date.now()}-${counter++}`,
      })
      stops.push(
        client.mount(),
        client.subscribeWorkerStatus(() => undefined),
      )
      fake.takeOver()
      await expect.poll(() => client.getWorkerStatus()).toBe('ready')
      const base = client.getClearEpoch()
      const shown = (id: string) =>
        putEntries(db, [{ id, token: 7, encrypted: new Uint8Array(4), lastUsed: 1 }])
      await shown('a')
      const checked = vi.spyOn(client.service, 'cachedImageExists')
      const loading = client.service.getImage(record('b')).catch(() => undefined)
      await expect.poll(() => held).toHaveLength(1)
      client.warmer.warm(record('a'))
      // Whatever would follow runs in microtasks: one task later it would have run.
      await new Promise((resolve) => setTimeout(resolve))
      expect(checked).not.toHaveBeenCalled()
      held[0]!()
      await loading
      await expect.poll(() => fetch.mock.calls.map(([requested]) => requested)).toEqual([url('a', base)])

      const next = client.service.getImage(record('c')).catch(() => undefined)
      await expect.poll(() => held).toHaveLength(2)
      client.warmer.warm(record('d'))
      await client.clear()
      await next
      await shown('e')
      client.warmer.warm(record('e'))
      await expect
        .poll(() => fetch.mock.calls.map(([requested]) => requested))
        .toEqual([url('a', base), url('e', base + 1)])
      expect(checked.mock.calls.map(([id]) => id)).toEqual(['a', 'e'])
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('on a clear, here or in another tab, drops what waits and aborts what runs', async () => {
    const s = await setup({ concurrency: 1 })
    for (const id of ['a', 'b']) s.warmer.warm(record(id))
    s.takeOver()
    await expect.poll(() => s.fetch).toHaveBeenCalledTimes(1)
    const running = s.pending.get(s.url('a'))!
    await s.client.clear()
    expect(running.signal.aborted).toBe(true)
    // After the logout the same version can be handed over again, in the new session.
    s.warmer.warm(record('c'))
    s.warmer.warm(record('a'))
    await expect
      .poll(() => s.fetch.mock.calls.map(([requested]) => requested))
      .toEqual([s.url('a'), s.url('c', 1)])
    s.pending.get(s.url('c', 1))!.answer()
    await expect
      .poll(() => s.fetch.mock.calls.map(([requested]) => requested))
      .toEqual([s.url('a'), s.url('c', 1), s.url('a', 1)])

    // Another tab's logout reaches this one through the bridge.
    const { db } = await testDatabase()
    const other = new PixstoreClient({
      config: { cache: { database: db } },
      serviceWorker: false,
      channel: s.channel,
    })
    stops.push(other.mount())
    s.warmer.warm(record('d'))
    const third = s.pending.get(s.url('a', 1))!
    await other.clear()
    await expect.poll(() => third.signal.aborted).toBe(true)
    // 'd' waited behind 'a': had it been kept, it would go before 'e'.
    s.warmer.warm(record('e'))
    await expect
      .poll(() => s.fetch.mock.calls.map(([requested]) => requested))
      .toEqual([s.url('a'), s.url('c', 1), s.url('a', 1), s.url('e', 2)])
  })
})
