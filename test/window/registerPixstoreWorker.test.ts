import { describe, expect, it, vi } from 'vitest'
import { SW_MESSAGE } from '../../src/protocol'
import { isControlledBy, registerPixstoreWorker, workerScriptUrl } from '../../src/window'
import { fakeWorkerContainer } from '../support/fakeWorkerContainer'

describe('registerPixstoreWorker', () => {
  it('puts the options in the script URL', () => {
    expect(workerScriptUrl()).toBe('/pixstore-sw.js')
    expect(
      workerScriptUrl({
        url: '/sw/p.js',
        prefix: '/media',
        timeout: 900,
        maxEntries: 50,
        imageFormats: ['png', 'jpg'],
      }),
    ).toBe('/sw/p.js?prefix=%2Fmedia&timeout=900&maxEntries=50&formats=png%2Cjpg')
  })

  it('is unsupported and registers nothing without service workers (server rendering)', () => {
    const worker = registerPixstoreWorker()
    expect(worker.status).toBe('unsupported')
  })

  it('reports ready once the worker controls the page, and failed when registration fails', async () => {
    const listeners = new Set<() => void>()
    let controller: { scriptURL: string } | null = null
    const container = {
      get controller() {
        return controller
      },
      addEventListener: (_: string, listener: () => void) => listeners.add(listener),
      removeEventListener: (_: string, listener: () => void) => listeners.delete(listener),
      register: async () => ({}),
    } as unknown as ServiceWorkerContainer
    const worker = registerPixstoreWorker({ container })
    const seen: string[] = []
    worker.subscribe((status) => seen.push(status))
    expect(worker.status).toBe('registering')
    await Promise.resolve()
    controller = { scriptURL: 'https://app.example/pixstore-sw.js' }
    listeners.forEach((listener) => listener())
    expect(worker.status).toBe('ready')
    expect(seen).toEqual(['ready'])

    const failing = registerPixstoreWorker({
      container: {
        ...container,
        controller: null,
        register: () => Promise.reject(new Error('404')),
      } as never,
    })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(failing.status).toBe('failed')
    expect(failing.error).toBeInstanceOf(Error)
  })
})

describe("registerPixstoreWorker with the app's own worker (register: false)", () => {
  const statuses = (worker: ReturnType<typeof registerPixstoreWorker>) => {
    const seen: string[] = [worker.status]
    worker.subscribe((status) => seen.push(status))
    return seen
  }

  it('registers nothing, and is ready from the start when a worker with the kit controls the page', async () => {
    const fake = fakeWorkerContainer({ controlled: true })
    const worker = registerPixstoreWorker({
      container: fake.container,
      register: false,
      url: '/other.js',
      readyTimeout: 30,
    })
    const seen = statuses(worker)
    // Asked whether it holds the kit's handler; it answers, and nothing changes, even past
    // the time an unanswered PING would have turned it failed.
    await expect.poll(() => fake.posted).toEqual([{ type: SW_MESSAGE.PING }])
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(seen).toEqual(['ready'])
    expect(fake.registered).toEqual([])
  })

  it("turns ready when the app's worker takes over and answers, whatever its script URL", async () => {
    const fake = fakeWorkerContainer()
    const worker = registerPixstoreWorker({ container: fake.container, register: false })
    const seen = statuses(worker)
    fake.takeOver('/app-sw.js')
    await expect.poll(() => worker.status).toBe('ready')
    expect(seen).toEqual(['registering', 'ready'])
    expect(fake.registered).toEqual([])
  })

  it("is failed, with its reason, when the worker in control does not answer the kit's PING", async () => {
    const fake = fakeWorkerContainer({ controlled: true, kit: false })
    const worker = registerPixstoreWorker({ container: fake.container, register: false, readyTimeout: 30 })
    const seen = statuses(worker)
    await expect.poll(() => worker.status).toBe('failed')
    expect(seen).toEqual(['ready', 'failed'])
    expect(String(worker.error)).toContain("does not include pixstore's handler")
  })

  it('is failed when no worker takes control in time, and ready when one does later', async () => {
    const fake = fakeWorkerContainer()
    const worker = registerPixstoreWorker({ container: fake.container, register: false, readyTimeout: 30 })
    await expect.poll(() => worker.status).toBe('failed')
    fake.takeOver('/app-sw.js')
    await expect.poll(() => worker.status).toBe('ready')
  })
})

describe('registerPixstoreWorker, what it follows', () => {
  it('registers at the root scope unless told another', async () => {
    const fake = fakeWorkerContainer()
    registerPixstoreWorker({ container: fake.container })
    registerPixstoreWorker({ container: fake.container, scope: '/app/' })
    await expect.poll(() => fake.scopes).toEqual(['/', '/app/'])
  })

  it('registers once registerWhen resolves, and counts readyTimeout from there', async () => {
    const fake = fakeWorkerContainer()
    let start!: () => void
    const worker = registerPixstoreWorker({
      container: fake.container,
      readyTimeout: 30,
      registerWhen: () => new Promise<void>((resolve) => (start = resolve)),
    })
    // Longer than readyTimeout: still waiting to register, so not failed.
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(fake.registered).toEqual([])
    expect(worker.status).toBe('registering')
    start()
    await expect.poll(() => fake.registered).toHaveLength(1)
    expect(worker.status).toBe('registering')
    await expect.poll(() => worker.status).toBe('failed')
  })

  it('is failed, with its reason, when registerWhen rejects, and registers nothing', async () => {
    const fake = fakeWorkerContainer()
    const worker = registerPixstoreWorker({
      container: fake.container,
      registerWhen: () => Promise.reject(new Error('no')),
    })
    await expect.poll(() => worker.status).toBe('failed')
    expect(String(worker.error)).toContain('no')
    expect(fake.registered).toEqual([])
  })

  it("waits for the window's load event by default", async () => {
    const fake = fakeWorkerContainer()
    const events = new EventTarget()
    vi.stubGlobal('document', { readyState: 'loading' })
    vi.stubGlobal('addEventListener', events.addEventListener.bind(events))
    try {
      registerPixstoreWorker({ container: fake.container })
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(fake.registered).toEqual([])
      events.dispatchEvent(new Event('load'))
      await expect.poll(() => fake.registered).toHaveLength(1)
    } finally {
      vi.unstubAllGlobals()
    }
    // A loaded window (its load event long past), or none (a worker, the server): at once.
    vi.stubGlobal('document', { readyState: 'complete' })
    try {
      const loaded = fakeWorkerContainer()
      registerPixstoreWorker({ container: loaded.container })
      await expect.poll(() => loaded.registered).toHaveLength(1)
    } finally {
      vi.unstubAllGlobals()
    }
    const windowless = fakeWorkerContainer()
    registerPixstoreWorker({ container: windowless.container })
    await expect.poll(() => windowless.registered).toHaveLength(1)
  })

  it('is failed, saying why, when the worker does not take control in time', async () => {
    const fake = fakeWorkerContainer()
    const worker = registerPixstoreWorker({ container: fake.container, readyTimeout: 30 })
    await expect.poll(() => worker.status).toBe('failed')
    expect(String(worker.error)).toContain('did not take control of the page in time')
    // A later takeover still turns it ready.
    fake.takeOver()
    expect(worker.status).toBe('ready')
  })

  it('stays ready when the worker already controls the page, whatever readyTimeout', async () => {
    const fake = fakeWorkerContainer({ controlled: true })
    const worker = registerPixstoreWorker({ container: fake.container, readyTimeout: 1 })
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(worker.status).toBe('ready')
  })

  it("asks every new worker of the app's again whether it holds the kit's handler", async () => {
    const withKit = fakeWorkerContainer({ controlled: true })
    const worker = registerPixstoreWorker({ container: withKit.container, register: false, readyTimeout: 30 })
    await expect.poll(() => withKit.posted).toHaveLength(1)
    withKit.takeOver('/app-sw.js?v=2')
    await expect.poll(() => withKit.posted).toHaveLength(2)
    expect(worker.status).toBe('ready')
  })

  it("does not take another script's control for its own worker's", () => {
    const fake = fakeWorkerContainer()
    const worker = registerPixstoreWorker({ container: fake.container })
    fake.takeOver('/other-sw.js')
    expect(worker.status).toBe('registering')
    fake.takeOver('/pixstore-sw.js')
    expect(worker.status).toBe('ready')
  })

  it('is not controlled without a container or a controller', () => {
    expect(isControlledBy({}, undefined)).toBe(false)
    expect(isControlledBy({ register: false }, fakeWorkerContainer().container)).toBe(false)
  })
})
