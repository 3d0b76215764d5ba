import { describe, expect, it } from 'vitest'
import { createImageService, ImageMetrics, RECENT_ERRORS, type ImageEvent } from '../../src/core/internal'
import { createMemoryBackend } from '../../src/testing'
import { testDatabase } from '../support/testDatabase'

const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 13) % 256)

describe('ImageMetrics', () => {
  it('counts answers per source and the hit rate, and reports each request as an event without keys or bytes', async () => {
    const backend = createMemoryBackend()
    const { db } = await testDatabase()
    const events: ImageEvent[] = []
    let clock = 1_000_000
    const service = createImageService({
      fetcher: backend.fetcher,
      cache: { database: db },
      onEvent: (event) => events.push(event),
      now: () => clock++,
    })
    const record = await backend.save(bytes, 'png')
    const before = service.metrics()
    const heard: number[] = []
    service.subscribeMetrics(() => heard.push(service.metrics().requests))
    await service.getImage(record)
    await service.getImage(record)
    const metrics = service.metrics()
    expect(metrics).not.toBe(before)
    expect(service.metrics()).toBe(metrics)
    expect(heard).toEqual([1, 2])
    expect(metrics.requests).toBe(2)
    expect(metrics.sources.network).toMatchObject({ count: 1, bytes: bytes.length + 1 })
    expect(metrics.sources.dexie).toMatchObject({ count: 1, bytes: bytes.length + 1 })
    // Time from the request to its answer, on the service's clock.
    expect(metrics.sources.network.totalMs).toBeGreaterThan(0)
    expect(metrics.sources.network.totalMs).toBeLessThan(1000)
    expect(metrics.hitRate).toBe(0.5)
    expect(events.map((e) => e.type === 'image' && e.source)).toEqual(['network', 'dexie'])
    for (const event of events)
      expect(Object.keys(event).sort()).toEqual(['bytes', 'id', 'ms', 'source', 'token', 'type'])
    expect(events[0]).toMatchObject({ id: record.id, token: record.token })
    expect(await service.liveEntries()).toEqual([
      { id: record.id, token: record.token, bytes: bytes.length + 1, lastUsed: expect.any(Number) },
    ])
  })

  it("counts what the worker's layers answered, passed in by the page, as hits of their own", async () => {
    const events: ImageEvent[] = []
    const service = createImageService({
      fetcher: createMemoryBackend().fetcher,
      cache: { database: (await testDatabase()).db },
      onEvent: (event) => events.push(event),
    })
    const served = { type: 'image', id: 'a', token: 1, bytes: 10, ms: 2 } as const
    service.recordEvent({ ...served, source: 'worker-memory' })
    service.recordEvent({ ...served, source: 'cache-storage', ms: 4 })
    service.recordEvent({ ...served, source: 'network', bytes: 30 })
    const { sources, requests, hitRate } = service.metrics()
    expect(requests).toBe(3)
    expect(sources['worker-memory']).toEqual({ count: 1, bytes: 10, totalMs: 2 })
    expect(sources['cache-storage']).toEqual({ count: 1, bytes: 10, totalMs: 4 })
    expect(sources.dexie).toEqual({ count: 0, bytes: 0, totalMs: 0 })
    expect(sources.network).toEqual({ count: 1, bytes: 30, totalMs: 2 })
    expect(hitRate).toBeCloseTo(2 / 3)
    expect(events).toHaveLength(3)
  })

  it('keeps the codes of failures, not aborts, the newest last and at most RECENT_ERRORS', async () => {
    const backend = createMemoryBackend()
    const { db } = await testDatabase()
    let clock = 1_000_000
    const events: ImageEvent[] = []
    const service = createImageService({
      fetcher: backend.fetcher,
      cache: { database: db },
      now: () => ++clock,
      onEvent: (event) => events.push(event),
    })
    const record = await backend.save(bytes, 'png')
    backend.remove(record.id)
    await expect(service.getImage(record)).rejects.toMatchObject({ code: 'not-found' })
    const controller = new AbortController()
    const left = service.getImage(record, { signal: controller.signal })
    controller.abort()
    await expect(left).rejects.toMatchObject({ code: 'aborted' })
    const { errors, requests, hitRate } = service.metrics()
    expect(requests).toBe(1)
    expect(hitRate).toBe(0)
    expect(errors).toEqual([
      { id: record.id, token: record.token, code: 'not-found', at: expect.any(Number) },
    ])
    // The time to the failure, on the service's clock.
    expect(events).toEqual([
      { type: 'error', id: record.id, token: record.token, code: 'not-found', ms: expect.any(Number) },
    ])
    expect(events[0]!.ms).toBeGreaterThan(0)
    expect(events[0]!.ms).toBeLessThan(1000)

    const metrics = new ImageMetrics(() => 7)
    for (let i = 0; i < RECENT_ERRORS + 5; i++)
      metrics.record({ type: 'error', id: `i${i}`, token: 1, code: 'network', ms: 1 })
    const kept = metrics.snapshot().errors
    expect(kept).toHaveLength(RECENT_ERRORS)
    expect(kept[0]!.id).toBe('i5')
    expect(kept.at(-1)).toEqual({ id: `i${RECENT_ERRORS + 4}`, token: 1, code: 'network', at: 7 })
  })
})
