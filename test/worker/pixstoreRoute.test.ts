// The worker as an app's own service worker takes it: a Workbox route, a plain fetch
// listener, its message listener (records, clears and the kit's PING), in Node.
import { describe, expect, it, vi } from 'vitest'
import { SW_MESSAGE, type SwMessage } from '../../src/protocol'
import { pixstoreRoute } from '../../src/worker'
import { memoryCaches } from '../support/memoryCaches'
import { png, workerHarness } from '../support/workerCases'

const ORIGIN = 'http://localhost'
const harness = () => workerHarness(ORIGIN, () => memoryCaches(ORIGIN).storage)

/** A fetch event of `clientId`, with what it was told to wait for. */
function fetchEvent(url: string, clientId = 'tab', init?: RequestInit) {
  const waited: Array<Promise<unknown>> = []
  return {
    request: new Request(url, init),
    clientId,
    waitUntil: (p: Promise<unknown>) => void waited.push(p),
    waited,
  }
}

describe('pixstoreRoute', () => {
  it('matches the GET requests of the prefix on the worker origin, and nothing else', async () => {
    const { worker } = await harness()
    const [match] = pixstoreRoute(worker)
    const matches = (url: string, init?: RequestInit) => match({ request: new Request(url, init) })
    expect(matches(`${ORIGIN}/_img/a?t=1`)).toBe(true)
    // A bad id is still the worker's: it answers 400, no other route does.
    expect(matches(`${ORIGIN}/_img/a%20b?t=1`)).toBe(true)
    expect(matches(`${ORIGIN}/_img/a?t=1`, { method: 'POST', body: 'x' })).toBe(false)
    expect(matches(`http://elsewhere/_img/a?t=1`)).toBe(false)
    expect(matches(`${ORIGIN}/_imgs/a?t=1`)).toBe(false)
    expect(matches(`${ORIGIN}/index.html`)).toBe(false)
  })

  it("answers as the worker does, tied to the event's page and kept alive until the image is kept", async () => {
    const { worker, backend, hand, bytes, cached, told } = await harness()
    const record = await backend.save(png(7), 'png', 'routed')
    await hand([record])
    const [, handler] = pixstoreRoute(worker)
    const event = fetchEvent(`${ORIGIN}/_img/routed?t=${record.token}`, 'tab-1')
    const response = await handler({ request: event.request, event })
    expect(response.status).toBe(200)
    expect(await bytes(response)).toEqual(png(7))
    expect(event.waited).toHaveLength(1)
    await Promise.all(event.waited)
    expect(await cached()).toEqual([`/_img/routed?t=${record.token}`])
    // The page of the event is told which layer answered its image.
    await expect.poll(() => told.map((t) => t.clientId)).toContain('tab-1')
  })

  it('answers without an event too (a router that gives none), and 400 to a bad URL', async () => {
    const { worker, backend, hand, bytes } = await harness()
    const record = await backend.save(png(8), 'png', 'bare')
    await hand([record])
    const [, handler] = pixstoreRoute(worker)
    expect(
      await bytes(await handler({ request: new Request(`${ORIGIN}/_img/bare?t=${record.token}`) })),
    ).toEqual(png(8))
    expect((await handler({ request: new Request(`${ORIGIN}/_img/a?t=x`) })).status).toBe(400)
  })
})

describe('PixstoreWorker in an app-owned worker', () => {
  it('handleFetch answers its image URLs and leaves every other request to the app', async () => {
    const { worker, backend, hand, bytes } = await harness()
    const record = await backend.save(png(9), 'png', 'fetched')
    await hand([record])
    const event = fetchEvent(`${ORIGIN}/_img/fetched?t=${record.token}`)
    expect(await bytes(await worker.handleFetch(event)!)).toEqual(png(9))
    expect(event.waited).toHaveLength(1)
    expect(worker.handleFetch(fetchEvent(`${ORIGIN}/app.js`))).toBeUndefined()
    expect(
      worker.handleFetch(fetchEvent(`${ORIGIN}/_img/fetched?t=1`, 'tab', { method: 'HEAD' })),
    ).toBeUndefined()
  })

  it("handleFetch takes a navigation's resulting page when it has no page of its own", async () => {
    const { worker, backend, hand, told } = await harness()
    const record = await backend.save(png(10), 'png', 'opened')
    await hand([record])
    const event = {
      ...fetchEvent(`${ORIGIN}/_img/opened?t=${record.token}`, ''),
      resultingClientId: 'new-tab',
    }
    await worker.handleFetch(event)
    await Promise.all(event.waited)
    await expect.poll(() => told.map((t) => t.clientId)).toContain('new-tab')
  })

  it('handleMessage takes the records a page hands over, under waitUntil, and leaves the app its own messages', async () => {
    const { worker, backend, source, bytes, get, questions } = await harness()
    const record = await backend.save(png(11), 'png', 'handed')
    const waited: Array<Promise<unknown>> = []
    const message = (data: unknown) =>
      worker.handleMessage({ data, source: { id: 'tab' }, waitUntil: (p) => void waited.push(p) })
    message({ type: 'app:hello' })
    message({ type: SW_MESSAGE.RECORDS, source: source(), records: [record] })
    expect(waited).toHaveLength(2)
    await Promise.all(waited)
    // The record was taken: the worker loads the image itself, asking the page nothing.
    expect(await bytes(await get('handed', record.token))).toEqual(png(11))
    expect(questions).toEqual([])
  })

  it("handleMessage answers the kit's PING on the port it came with", async () => {
    const { worker } = await harness()
    const answered: SwMessage[] = []
    const port = { postMessage: (message: SwMessage) => void answered.push(message) }
    worker.handleMessage({
      data: { type: SW_MESSAGE.PING },
      source: null,
      ports: [port],
      waitUntil: () => undefined,
    })
    expect(answered).toEqual([{ type: SW_MESSAGE.PING }])
    // Another message with a port is not a PING: nothing is posted on it.
    worker.handleMessage({
      data: { type: 'app:ping' },
      source: null,
      ports: [port],
      waitUntil: () => undefined,
    })
    expect(answered).toHaveLength(1)
  })

  it('handleMessage takes what any sender posts without throwing: no data, no port, no page id', async () => {
    const { worker } = await harness()
    const receive = vi.spyOn(worker, 'receive')
    const waitUntil = () => undefined
    for (const event of [
      { data: null, source: null, waitUntil },
      { data: { type: SW_MESSAGE.PING }, source: null, waitUntil },
      { data: { type: SW_MESSAGE.PING }, source: null, ports: [], waitUntil },
    ])
      expect(() => worker.handleMessage(event)).not.toThrow()
    // A sender that is no page (a port, a worker) names no page.
    worker.handleMessage({ data: { type: 'x' }, source: { id: 42 }, waitUntil })
    expect(receive).toHaveBeenLastCalledWith({ type: 'x' }, undefined)
    worker.handleMessage({ data: { type: 'x' }, source: { id: 'tab' }, waitUntil })
    expect(receive).toHaveBeenLastCalledWith({ type: 'x' }, 'tab')
  })
})
