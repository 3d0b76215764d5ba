import { Dexie } from 'dexie'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createImageService,
  decryptImage,
  DEFAULT_IMAGE_FORMATS,
  importDecryptionKey,
  type ImageFetcher,
} from '../../src/core/internal'
import { createMemoryBackend } from '../../src/testing'
import { SW_CACHE_NAME, SW_MESSAGE, type SwMessage } from '../../src/protocol'
import { WorkerBridge, type WorkerBridgeOptions } from '../../src/window'

let counter = 0
const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function setup(options: Partial<WorkerBridgeOptions> = {}) {
  const channelName = `bridge-test-${Date.now()}-${counter++}`
  const backend = createMemoryBackend()
  // Requests wait for `answerAll()`: a load is in flight for as long as the test needs.
  const started: string[] = []
  let answerAll = () => undefined as void
  const answered = new Promise<void>((resolve) => (answerAll = resolve))
  let held = false
  const fetcher: ImageFetcher = async (record, context, signal) => {
    started.push(record.id)
    if (held) await answered
    return backend.fetcher(record, context, signal)
  }
  const hold = () => void (held = true)
  const service = createImageService({ fetcher, cache: { dbName: channelName } })
  const bridge = new WorkerBridge({ service, channel: channelName, ...options })
  bridge.start()
  // The test plays the worker on the same channel.
  const worker = new BroadcastChannel(channelName)
  const received: SwMessage[] = []
  worker.onmessage = (event: MessageEvent<SwMessage>) => received.push(event.data)
  cleanups.push(
    () => bridge.stop(),
    () => worker.close(),
    () => Dexie.delete(channelName),
  )
  const answers = () => received.filter((m) => !('requestId' in m && m.requestId.startsWith('sentinel-')))
  const next = async (count = 1) => {
    await expect.poll(() => answers().length).toBeGreaterThanOrEqual(count)
    return answers()[count - 1]!
  }
  /**
   * The request ids answered up to now: a key request for a registered sentinel record is
   * posted last and answered at once, so every earlier message has had its turn.
   */
  const answeredSoFar = async () => {
    const sentinel = await backend.save(new Uint8Array([1, 2, 3]), 'png')
    bridge.register(sentinel)
    const requestId = `sentinel-${received.length}`
    worker.postMessage({ type: SW_MESSAGE.KEY_REQUEST, requestId, id: sentinel.id, token: sentinel.token })
    await expect.poll(() => received.some((m) => 'requestId' in m && m.requestId === requestId)).toBe(true)
    return received.flatMap((m) =>
      'requestId' in m && !m.requestId.startsWith('sentinel-') ? [m.requestId] : [],
    )
  }
  return { backend, service, bridge, worker, received, next, answeredSoFar, started, hold, answerAll }
}

const png = Uint8Array.from({ length: 300 }, (_, i) => i % 256)

describe('WorkerBridge', () => {
  it('answers image requests for registered records only, once per request id', async () => {
    const { backend, bridge, worker, next, answeredSoFar } = await setup()
    const record = await backend.save(png, 'png')
    const request = { type: SW_MESSAGE.IMAGE_REQUEST, requestId: 'r1', id: record.id, token: record.token }
    worker.postMessage(request)
    expect(await answeredSoFar()).toEqual([])

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
    expect(await answeredSoFar()).toEqual(['r2'])
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

  it('forwards deletions and evictions', async () => {
    const { backend, service, received } = await setup()
    const records = await Promise.all([1, 2, 3].map((n) => backend.save(png.slice(0, n * 10), 'png')))
    for (const record of records) await service.getImage(record)
    await service.deleteCachedImage(records[0]!.id)
    await expect.poll(() => received).toContainEqual({ type: SW_MESSAGE.EVICT, ids: [records[0]!.id] })
  })

  it('clear() tells the worker, empties Cache Storage and the service; so does a clear of the service', async () => {
    const { backend, service, bridge, received } = await setup()
    const record = await backend.save(png, 'png')
    await service.getImage(record)
    await (await caches.open(SW_CACHE_NAME)).put('/_img/x?t=1', new Response('cipher'))
    await bridge.clear()
    const clear = { type: SW_MESSAGE.CLEAR, clearId: expect.any(String) }
    expect(received).toEqual([clear])
    expect(await caches.has(SW_CACHE_NAME)).toBe(false)
    expect(await service.stats()).toEqual({ entries: 0, bytes: 0 })
    // Through the core API, with no bridge call.
    await service.clear()
    expect(received).toEqual([clear, clear])
  })

  it('clear() waits for the worker controlling the page to confirm that clear, within confirmTimeout', async () => {
    const { bridge, worker, received, answeredSoFar } = await setup({
      controlled: () => true,
      confirmTimeout: 60_000,
    })
    let settled = false
    const cleared = bridge.clear().then(() => (settled = true))
    await expect.poll(() => received).toHaveLength(1)
    const { clearId } = received[0] as { clearId: string }
    worker.postMessage({ type: SW_MESSAGE.CLEARED, clearId: `${clearId}-other` })
    // Once the bridge has heard it (it answers what was posted after): another clear's
    // confirmation resolves nothing.
    await answeredSoFar()
    expect(settled).toBe(false)
    worker.postMessage({ type: SW_MESSAGE.CLEARED, clearId })
    await cleared

    // A worker that never answers (stopped: it holds nothing either) delays the logout by confirmTimeout only.
    const quiet = await setup({ controlled: () => true, confirmTimeout: 30 })
    await quiet.bridge.clear()
    expect(() => new WorkerBridge({ service: quiet.service, confirmTimeout: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid-option', message: expect.stringContaining('confirmTimeout') }),
    )
  })

  it('posts no answer prepared before a clear, and forgets the records it knew', async () => {
    const { backend, bridge, worker, answeredSoFar, started, hold, answerAll } = await setup()
    const record = await backend.save(png, 'png')
    bridge.register(record)
    hold()
    worker.postMessage({
      type: SW_MESSAGE.IMAGE_REQUEST,
      requestId: 'late',
      id: record.id,
      token: record.token,
    })
    await expect.poll(() => started).toEqual([record.id])
    await bridge.clear()
    answerAll()
    worker.postMessage({
      type: SW_MESSAGE.KEY_REQUEST,
      requestId: 'forgotten',
      id: record.id,
      token: record.token,
    })
    expect(await answeredSoFar()).toEqual([])
  })

  it('aborts its own loads when another tab clears, so their writes cannot bring images back', async () => {
    const { backend, service, worker, started, hold, answerAll } = await setup()
    const record = await backend.save(png, 'png')
    hold()
    const pending = service.getImage(record)
    await expect.poll(() => started).toEqual([record.id])
    // Another tab's bridge posts CLEAR on the channel.
    worker.postMessage({ type: SW_MESSAGE.CLEAR })
    await expect(pending).rejects.toMatchObject({ code: 'aborted' })
    answerAll()
    await service.getImage(await backend.save(png.slice(0, 5), 'png'))
    expect(await service.cachedImageExists(record.id)).toBe(false)
  })
})
