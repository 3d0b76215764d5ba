import { describe, expect, it } from 'vitest'
import { createImageService, type ImageEvent } from '../../src/core'
import { countWorkerAnswers } from '../../src/window'
import { SW_MESSAGE } from '../../src/protocol'
import { createMemoryBackend } from '../../src/testing'
import { testDatabase } from '../support/testDatabase'

const report = { id: 'a', token: 1, source: 'worker-memory', bytes: 10, ms: 2 }

/** A service worker container the test posts the worker's messages to. */
function container() {
  const target = new EventTarget()
  let started = false
  const fake = Object.assign(target, { startMessages: () => void (started = true) })
  const post = (data: unknown) => target.dispatchEvent(new MessageEvent('message', { data }))
  return { fake: fake as unknown as ServiceWorkerContainer, post, started: () => started }
}

describe('countWorkerAnswers', () => {
  it("counts each well-formed report of the worker's SERVED messages, and nothing else", async () => {
    const events: ImageEvent[] = []
    const service = createImageService({
      fetcher: createMemoryBackend().fetcher,
      cache: { database: (await testDatabase()).db },
      onEvent: (event) => events.push(event),
    })
    const { fake, post, started } = container()
    const stop = countWorkerAnswers(service, fake)
    expect(started()).toBe(true)
    post({
      type: SW_MESSAGE.SERVED,
      images: [
        report,
        { ...report, source: 'cache-storage', ms: 4 },
        // The worker's own loads, from the pages' Dexie database and the network.
        { ...report, source: 'dexie', ms: 6 },
        { ...report, source: 'network', ms: 8 },
        { ...report, source: 'elsewhere' },
      ],
    })
    for (const broken of [
      { ...report, id: 1 },
      { ...report, token: '1' },
      { ...report, bytes: undefined },
      { ...report, ms: null },
      null,
    ])
      post({ type: SW_MESSAGE.SERVED, images: [broken] })
    post({ type: SW_MESSAGE.SERVED, images: 'not a list' })
    post({ type: SW_MESSAGE.CLEAR, images: [report] })
    post(null)
    const { sources, requests } = service.metrics()
    expect(requests).toBe(4)
    expect(sources['worker-memory']).toEqual({ count: 1, bytes: 10, totalMs: 2 })
    expect(sources['cache-storage']).toEqual({ count: 1, bytes: 10, totalMs: 4 })
    expect(sources.dexie).toEqual({ count: 1, bytes: 10, totalMs: 6 })
    expect(sources.network).toEqual({ count: 1, bytes: 10, totalMs: 8 })
    // The app's onEvent hears them as the service's own answers.
    expect(events).toEqual([
      { type: 'image', ...report },
      { type: 'image', ...report, source: 'cache-storage', ms: 4 },
      { type: 'image', ...report, source: 'dexie', ms: 6 },
      { type: 'image', ...report, source: 'network', ms: 8 },
    ])
    stop()
    post({ type: SW_MESSAGE.SERVED, images: [report] })
    expect(service.metrics().requests).toBe(4)
  })
})
