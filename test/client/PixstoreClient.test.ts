import { describe, expect, it, vi } from 'vitest'
import { PixstoreClient } from '../../src'
import { createMemoryBackend } from '../../src/testing'
import { SW_MESSAGE, type SwMessage } from '../../src/protocol'
import { fakeWorkerContainer } from '../support/fakeWorkerContainer'
import { testDatabase } from '../support/testDatabase'

let counter = 0

async function client(channel: string, serviceWorker: false | { prefix?: string } = false) {
  const { db } = await testDatabase()
  return { client: new PixstoreClient({ config: { cache: { database: db } }, serviceWorker, channel }), db }
}

describe('PixstoreClient', () => {
  it('counts clears made here or in another tab while mounted, tells its listeners, and revokes its object URLs', async () => {
    const channel = `client-${Date.now()}-${counter++}`
    const { client: here } = await client(channel)
    const { client: there } = await client(channel)
    const stopHere = here.mount()
    const stopThere = there.mount()
    const heard: number[] = []
    here.subscribeClears(() => heard.push(here.getClearEpoch()))
    // The clears this document saw before (earlier tests'): a new client counts on from them.
    const before = here.getClearEpoch()
    expect(there.getClearEpoch()).toBe(before)
    const url = here.urls.create('query', new Blob([Uint8Array.of(1)]))
    const revoked = vi.spyOn(URL, 'revokeObjectURL')
    await here.clear()
    expect(revoked).toHaveBeenCalledWith(url)
    revoked.mockRestore()
    expect(heard).toEqual([1])
    await there.clear()
    await expect.poll(() => here.getClearEpoch()).toBe(2)
    expect(heard).toEqual([1, 2])
    stopHere()
    stopThere()
  })

  it("waits for its worker's confirmation of a clear once the worker controls the page, and only then", async () => {
    const channel = `client-${Date.now()}-${counter++}`
    const { db } = await testDatabase()
    const fake = fakeWorkerContainer()
    const here = new PixstoreClient({
      config: { cache: { database: db } },
      serviceWorker: { container: fake.container, readyTimeout: 60_000 },
      channel,
    })
    const stop = here.mount()
    // The test plays the worker on the channel.
    const worker = new BroadcastChannel(channel)
    const clears: string[] = []
    worker.onmessage = (event: MessageEvent<SwMessage>) => {
      if (event.data.type === SW_MESSAGE.CLEAR) clears.push(event.data.clearId!)
    }
    try {
      // Registering: the images use object URLs, nothing to confirm. With its timers held, a
      // clear that waited for a confirmation would never settle (its timeout is a timer too).
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
      try {
        await here.clear()
      } finally {
        vi.useRealTimers()
      }
      fake.takeOver()
      await expect.poll(() => here.getWorkerStatus()).toBe('ready')
      let settled = false
      const cleared = here.clear().then(() => (settled = true))
      await expect.poll(() => clears).toHaveLength(2)
      expect(settled).toBe(false)
      worker.postMessage({ type: SW_MESSAGE.CLEARED, clearId: clears[1] })
      await cleared
    } finally {
      worker.close()
      stop()
    }
  })

  it("registers its worker once the page loads no image, so a first visit's images load first", async () => {
    const { db } = await testDatabase()
    const backend = createMemoryBackend()
    const record = await backend.save(Uint8Array.of(1, 2, 3), 'png')
    let release!: () => void
    const fetched = new Promise<void>((resolve) => (release = resolve))
    const fake = fakeWorkerContainer()
    const here = new PixstoreClient({
      config: {
        cache: { database: db },
        fetcher: async (...args) => {
          await fetched
          return backend.fetcher(...args)
        },
      },
      serviceWorker: { container: fake.container, readyTimeout: 60_000 },
      channel: `client-${Date.now()}-${counter++}`,
    })
    const loaded = here.service.getImage(record)
    const stop = here.subscribeWorkerStatus(() => undefined)
    try {
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(fake.registered).toEqual([])
      release()
      await loaded
      await expect.poll(() => fake.registered).toHaveLength(1)
    } finally {
      stop()
    }
  })

  it('registers its worker 10 s after load on a page that never stops loading images', async () => {
    const { db } = await testDatabase()
    const backend = createMemoryBackend()
    const record = await backend.save(Uint8Array.of(1, 2, 3), 'png')
    const fake = fakeWorkerContainer()
    const here = new PixstoreClient({
      // A fetch that never answers, nor times out within the test: the page is never idle.
      config: { cache: { database: db }, fetcher: () => new Promise(() => undefined), timeout: 3_600_000 },
      serviceWorker: { container: fake.container, readyTimeout: 60_000 },
      channel: `client-${Date.now()}-${counter++}`,
    })
    const leave = new AbortController()
    const loading = here.service.getImage(record, { signal: leave.signal }).catch(() => undefined)
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const stop = here.subscribeWorkerStatus(() => undefined)
    try {
      await vi.advanceTimersByTimeAsync(9_999)
      expect(fake.registered).toEqual([])
      await vi.advanceTimersByTimeAsync(1)
      vi.useRealTimers()
      await expect.poll(() => fake.registered).toHaveLength(1)
    } finally {
      vi.useRealTimers()
      stop()
      leave.abort()
      await loading
    }
  })

  it('registers no worker with serviceWorker: false, even where service workers exist; one without a config does', async () => {
    const channel = `client-${Date.now()}-${counter++}`
    const page = fakeWorkerContainer()
    vi.stubGlobal('navigator', { serviceWorker: page.container })
    try {
      const { client: off } = await client(channel)
      const stop = off.subscribeWorkerStatus(() => undefined)
      const configless = new PixstoreClient({ channel })
      const stopConfigless = configless.subscribeWorkerStatus(() => undefined)
      await expect.poll(() => page.registered).toHaveLength(1)
      expect(off.getWorkerStatus()).toBe('unsupported')
      stop()
      stopConfigless()
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('clears without a worker container, and without BroadcastChannel keeps its clears in this page', async () => {
    // A worker asked for where service workers are missing: the clear has no worker to tell.
    const { client: workerless } = await client(`client-${Date.now()}-${counter++}`, {})
    const cleared = workerless.getClearEpoch() + 1
    await workerless.clear()
    expect(workerless.getClearEpoch()).toBe(cleared)
    vi.stubGlobal('BroadcastChannel', undefined)
    try {
      const { client: alone } = await client(`client-${Date.now()}-${counter++}`)
      const heard: number[] = []
      alone.subscribeClears(() => heard.push(alone.getClearEpoch()))
      const stop = alone.mount()
      const before = alone.getClearEpoch()
      await alone.clear()
      expect(heard).toEqual([before + 1])
      stop()
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('stops hearing other tabs once its last mount is gone', async () => {
    const channel = `client-${Date.now()}-${counter++}`
    const { client: here } = await client(channel)
    const { client: there } = await client(channel)
    here.mount()()
    const probe = new BroadcastChannel(channel)
    const delivered = new Promise((resolve) => (probe.onmessage = resolve))
    const before = here.getClearEpoch()
    const stopThere = there.mount()
    try {
      await there.clear()
      // The clear reached a channel opened after this page's: this page's would have heard it too.
      await delivered
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(here.getClearEpoch()).toBe(before)
    } finally {
      probe.close()
      stopThere()
    }
  })

  it('keeps listening while any mount is left, and stops with the last', async () => {
    const channel = `client-${Date.now()}-${counter++}`
    const { client: here } = await client(channel)
    const { client: there } = await client(channel)
    const heard: number[] = []
    here.subscribeClears(() => heard.push(here.getClearEpoch()))
    // The clears this document saw before (earlier tests'): a new client counts on from them.
    const before = here.getClearEpoch()
    expect(there.getClearEpoch()).toBe(before)
    const stopThere = there.mount()
    const first = here.mount()
    const second = here.mount()
    first()
    first()
    await there.clear()
    await expect.poll(() => heard).toEqual([before + 1])
    // One clear, however many bridges of the document hear it.
    expect(there.getClearEpoch()).toBe(before + 1)
    second()
    // Stopped: not even a clear made here (heard in the same task when mounted) is announced.
    // It still counts: the epoch is the service's, and URLs made after it must say so.
    await here.clear()
    expect(heard).toEqual([before + 1])
    expect(here.getClearEpoch()).toBe(before + 2)
    // A client made after a logout (an app that makes a new one for the next session) counts
    // on: its URLs are never older than the worker was told this page's are.
    const { client: next } = await client(channel)
    expect(next.getClearEpoch()).toBe(before + 2)
    stopThere()
  })

  it('reports unsupported without a worker, takes its prefix, and closes its database', async () => {
    const channel = `client-${Date.now()}-${counter++}`
    const plain = await client(channel)
    expect(plain.client.getWorkerStatus()).toBe('unsupported')
    expect(plain.client.workerPrefix).toBe('/_img')
    expect((await client(channel, { prefix: '/media' })).client.workerPrefix).toBe('/media')
    await plain.client.service.stats()
    await plain.client.close()
    expect(plain.db.isOpen()).toBe(false)
  })
})
