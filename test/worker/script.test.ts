// The worker script's wiring: each event hands its work to the browser with waitUntil, so a
// worker is not stopped while it still writes, answers or cleans up.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { PixstoreWorker } from '../../src/worker'
import { memoryCaches } from '../support/memoryCaches'

type Listener = (event: Record<string, unknown>) => void
const listeners = new Map<string, Listener>()
const ORIGIN = 'https://app.example'

/** Dispatches a fake event of `type`; resolves with what it handed to waitUntil and respondWith. */
function dispatch(type: string, fields: Record<string, unknown> = {}) {
  const kept: unknown[] = []
  const responded: unknown[] = []
  listeners.get(type)!({
    ...fields,
    waitUntil: (promise: unknown) => kept.push(promise),
    respondWith: (response: unknown) => responded.push(response),
  })
  return { kept, responded }
}

beforeAll(async () => {
  vi.stubGlobal('location', new URL(`${ORIGIN}/pixstore-sw.js?timeout=900`))
  vi.stubGlobal('caches', memoryCaches(ORIGIN).storage)
  vi.stubGlobal('clients', { claim: async () => undefined, matchAll: async () => [] })
  vi.stubGlobal('skipWaiting', async () => undefined)
  vi.stubGlobal('addEventListener', (type: string, listener: Listener) => listeners.set(type, listener))
  await import('../../src/worker/script')
})
afterAll(() => vi.unstubAllGlobals())

describe('the worker script', () => {
  it('keeps the worker alive through install and activate', async () => {
    expect(dispatch('install').kept).toHaveLength(1)
    const cleanup = vi.spyOn(PixstoreWorker.prototype, 'deleteOldCaches')
    const { kept } = dispatch('activate')
    expect(kept).toHaveLength(1)
    expect(cleanup).toHaveBeenCalledOnce()
    await kept[0]
  })

  it('keeps the worker alive while it takes in a message', () => {
    const received = Promise.resolve()
    const receive = vi.spyOn(PixstoreWorker.prototype, 'receive').mockReturnValue(received)
    const { kept } = dispatch('message', { data: { type: 'x' }, source: { id: 'tab' } })
    expect(receive).toHaveBeenCalledWith({ type: 'x' }, 'tab')
    expect(kept).toEqual([received])
  })

  it('answers its own requests, and hands the browser the work that goes on after an answer', () => {
    const answer = Promise.resolve(new Response('image'))
    const after = Promise.resolve()
    const handle = vi
      .spyOn(PixstoreWorker.prototype, 'handle')
      .mockImplementation((_request, _client, waitUntil) => {
        waitUntil!(after)
        return answer
      })
    const request = new Request(`${ORIGIN}/_img/a?t=1`)
    const { kept, responded } = dispatch('fetch', { request, clientId: 'tab', resultingClientId: '' })
    expect(handle).toHaveBeenCalledWith(request, 'tab', expect.any(Function))
    expect(kept).toEqual([after])
    expect(responded).toEqual([answer])
    // A request that is not its own goes to the network: no respondWith.
    handle.mockReturnValue(undefined)
    expect(
      dispatch('fetch', { request: new Request(`${ORIGIN}/app.js`), clientId: '', resultingClientId: 'new' })
        .responded,
    ).toEqual([])
    expect(handle).toHaveBeenLastCalledWith(expect.any(Request), 'new', expect.any(Function))
  })
})
