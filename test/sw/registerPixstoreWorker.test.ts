import { describe, expect, it } from 'vitest'
import { registerPixstoreWorker, workerScriptUrl } from '../../src/sw'

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
