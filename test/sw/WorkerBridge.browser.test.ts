import { afterEach, describe, expect, it } from 'vitest'
import {
  createImageService,
  createMemoryBackend,
  decryptImage,
  DEFAULT_IMAGE_FORMATS,
  importDecryptionKey,
} from '../../src/core'
import { SW_CACHE_NAME, SW_MESSAGE, WorkerBridge, type SwMessage } from '../../src/sw'

let counter = 0
const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function setup() {
  const channelName = `bridge-test-${Date.now()}-${counter++}`
  const backend = createMemoryBackend()
  const service = createImageService({ fetcher: backend.fetcher, cache: { dbName: channelName } })
  const bridge = new WorkerBridge({ service, channel: channelName })
  bridge.start()
  // The test plays the worker on the same channel.
  const worker = new BroadcastChannel(channelName)
  const received: SwMessage[] = []
  worker.onmessage = (event: MessageEvent<SwMessage>) => received.push(event.data)
  cleanups.push(
    () => bridge.stop(),
    () => worker.close(),
    () => service.store.db.delete(),
  )
  const next = async (count = 1) => {
    await expect.poll(() => received.length).toBeGreaterThanOrEqual(count)
    return received[count - 1]!
  }
  const quiet = async () => {
    const before = received.length
    await new Promise((resolve) => setTimeout(resolve, 80))
    return received.length === before
  }
  return { backend, service, bridge, worker, received, next, quiet }
}

const png = Uint8Array.from({ length: 300 }, (_, i) => i % 256)

describe('WorkerBridge', () => {
  it('answers image requests for registered records only, once per request id', async () => {
    const { backend, bridge, worker, next, quiet } = await setup()
    const record = await backend.save(png, 'png')
    const request = { type: SW_MESSAGE.IMAGE_REQUEST, requestId: 'r1', id: record.id, token: record.token }
    worker.postMessage(request)
    expect(await quiet()).toBe(true)

    bridge.register(record)
    worker.postMessage({ ...request, requestId: 'r2' })
    const answer = await next()
    expect(answer).toMatchObject({
      type: SW_MESSAGE.IMAGE_RESPONSE,
      requestId: 'r2',
      ok: true,
      token: record.token,
    })
    if (answer.type !== SW_MESSAGE.IMAGE_RESPONSE || !answer.ok) throw new Error('expected an image')
    const image = await decryptImage(
      answer.encrypted,
      await importDecryptionKey(answer.meta),
      DEFAULT_IMAGE_FORMATS,
    )
    expect(image.bytes).toEqual(png)

    worker.postMessage({ ...request, requestId: 'r2' })
    expect(await quiet()).toBe(true)
  })

  it('answers a stale record with the new version and its meta', async () => {
    const { backend, bridge, worker, next } = await setup()
    const stale = await backend.save(png, 'png')
    const fresh = await backend.update(stale.id, png.slice(0, 10), 'webp')
    bridge.register(stale)
    worker.postMessage({ type: SW_MESSAGE.IMAGE_REQUEST, requestId: 'u', id: stale.id, token: stale.token })
    const answer = await next()
    expect(answer).toMatchObject({ ok: true, token: fresh.token, meta: fresh.meta })
  })

  it('answers key requests from the record alone, and failures with their code', async () => {
    const { backend, bridge, worker, next, service } = await setup()
    const record = await backend.save(png, 'png')
    bridge.register(record)
    worker.postMessage({ type: SW_MESSAGE.KEY_REQUEST, requestId: 'k', id: record.id, token: record.token })
    expect(await next()).toEqual({
      type: SW_MESSAGE.KEY_RESPONSE,
      requestId: 'k',
      ok: true,
      meta: record.meta,
    })
    expect(await service.stats()).toEqual({ entries: 0, bytes: 0 })

    backend.remove(record.id)
    worker.postMessage({
      type: SW_MESSAGE.IMAGE_REQUEST,
      requestId: 'gone',
      id: record.id,
      token: record.token,
    })
    expect(await next(2)).toEqual({
      type: SW_MESSAGE.IMAGE_RESPONSE,
      requestId: 'gone',
      ok: false,
      code: 'not-found',
    })
  })

  it('forwards deletions and evictions, and clear() empties Cache Storage and tells the worker', async () => {
    const { backend, service, received } = await setup()
    const records = await Promise.all([1, 2, 3].map((n) => backend.save(png.slice(0, n * 10), 'png')))
    for (const record of records) await service.getImage(record)
    await service.deleteCachedImage(records[0]!.id)
    await expect.poll(() => received).toContainEqual({ type: SW_MESSAGE.EVICT, ids: [records[0]!.id] })

    const cache = await caches.open(SW_CACHE_NAME)
    await cache.put('/_img/x?t=1', new Response('cipher'))
    const { bridge } = await setup()
    await bridge.clear()
    expect(await caches.has(SW_CACHE_NAME)).toBe(false)
  })
})
