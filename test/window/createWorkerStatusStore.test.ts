import { describe, expect, it } from 'vitest'
import { createWorkerStatusStore } from '../../src/window'
import { fakeWorkerContainer } from '../support/fakeWorkerContainer'

describe('createWorkerStatusStore', () => {
  it('registers nothing until the first subscription, then tells its listeners when the worker takes over', async () => {
    const fake = fakeWorkerContainer()
    const store = createWorkerStatusStore({ container: fake.container })
    // Read during a render: registration is about to start, and has not.
    expect(store.getStatus()).toBe('registering')
    expect(fake.registered).toEqual([])
    let told = 0
    const unsubscribe = store.subscribe(() => told++)
    store.subscribe(() => undefined)
    await expect.poll(() => fake.registered).toHaveLength(1)
    fake.takeOver()
    expect(store.getStatus()).toBe('ready')
    expect(told).toBe(1)
    unsubscribe()
    expect(fake.registered).toHaveLength(1)
  })

  it('is ready from the first read when the worker already controls the page (a reload)', () => {
    const fake = fakeWorkerContainer({ controlled: true })
    expect(createWorkerStatusStore({ container: fake.container }).getStatus()).toBe('ready')
  })

  it('is not ready when another script controls the page', () => {
    const fake = fakeWorkerContainer({ controlled: true })
    const store = createWorkerStatusStore({ container: fake.container, url: '/other-sw.js' })
    expect(store.getStatus()).toBe('registering')
  })

  it("takes any worker in control as ready from the first read with register: false (the app's own)", () => {
    const fake = fakeWorkerContainer({ controlled: true })
    const store = createWorkerStatusStore({ container: fake.container, url: '/other-sw.js', register: false })
    expect(store.getStatus()).toBe('ready')
    expect(
      createWorkerStatusStore({ container: fakeWorkerContainer().container, register: false }).getStatus(),
    ).toBe('registering')
  })

  it('is unsupported without service workers (server rendering), and stays so once subscribed', () => {
    const store = createWorkerStatusStore()
    expect(store.getStatus()).toBe('unsupported')
    store.subscribe(() => undefined)
    expect(store.getStatus()).toBe('unsupported')
  })
})
