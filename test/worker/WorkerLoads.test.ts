// The worker's own loads over fake services: which service a source gets, what reaches the
// worker's eviction notice, and what a logout and closing do to requests and services.
import { describe, expect, it, vi } from 'vitest'
import type { ImageRecord, ImageService, ImageStoreChange } from '../../src/core'
import { SW_MESSAGE, type WorkerLoadSource } from '../../src/protocol'
import { WorkerLoads } from '../../src/worker/WorkerLoads'

const record = (id: string): ImageRecord => ({
  id,
  token: 1,
  meta: { key: 'a2V5', iv: 'aXY=', tag: 'dGFn' },
  statelessProof: 'proof',
})
const source = (dbName: string): WorkerLoadSource => ({ cache: { dbName }, endpoint: { baseUrl: '/api' } })

/**
 * A service that answers every load, each with a write it hands to `waitUntil` (the test
 * lands it), and lets the test emit its store's changes.
 */
function fakeService(waitUntil: (write: Promise<void>) => void) {
  let listener: (change: ImageStoreChange) => void = () => undefined
  const writes: Array<() => void> = []
  const service = {
    getEncrypted: async (r: ImageRecord) => (
      waitUntil(new Promise((land) => writes.push(land))),
      {
        token: r.token,
        encrypted: new Uint8Array(4),
        meta: r.meta,
        mimeType: 'image/png',
        source: 'network' as const,
      }
    ),
    getImage: async () => new Blob(['image']),
    subscribe: (next: (change: ImageStoreChange) => void) => ((listener = next), () => undefined),
    clear: vi.fn(async () => undefined),
    close: vi.fn(async () => undefined),
  }
  return {
    service: service as unknown as ImageService,
    fake: service,
    writes,
    emit: (c: ImageStoreChange) => listener(c),
  }
}

function setup(timeout = 60_000) {
  const made: Array<ReturnType<typeof fakeService>> = []
  const onEvict = vi.fn<(ids: string[]) => void>()
  const loads = new WorkerLoads({
    timeout,
    onEvict,
    createService: (_source, waitUntil) => {
      const next = fakeService(waitUntil)
      made.push(next)
      return next.service
    },
  })
  const hand = (db: string, ...ids: string[]) =>
    loads.receive({ type: SW_MESSAGE.RECORDS, source: source(db), records: ids.map(record) })
  return { loads, made, onEvict, hand }
}

describe('WorkerLoads', () => {
  it('makes one service per source, on its first load, and keeps using it', async () => {
    const s = setup()
    s.hand('a', 'x', 'y')
    expect(s.made).toHaveLength(0)
    expect((await s.loads.load('x', 1, false))?.token).toBe(1)
    expect(await s.loads.load('y', 1, false)).toMatchObject({ token: 1, source: 'network' })
    expect(s.made).toHaveLength(1)
  })

  it("tells the worker what its service's store evicted or deleted, and nothing of a clear", async () => {
    const s = setup()
    s.hand('a', 'x')
    await s.loads.load('x', 1, false)
    const [{ emit }] = s.made as [ReturnType<typeof fakeService>]
    emit({ type: 'clear', ids: [] })
    expect(s.onEvict).not.toHaveBeenCalled()
    emit({ type: 'evict', ids: ['old'] })
    emit({ type: 'delete', ids: ['bad'] })
    expect(s.onEvict.mock.calls).toEqual([[['old']], [['bad']]])
  })

  it('on a clear, answers a request still waiting for its record at once, and clears each service', async () => {
    const s = setup()
    s.hand('a', 'x')
    await s.loads.load('x', 1, false)
    // Handed on its way: without the clear it would wait the full minute.
    const waiting = s.loads.load('later', 1, true)
    await s.loads.clear()
    expect(await waiting).toBeUndefined()
    expect(s.made[0]!.fake.clear).toHaveBeenCalledOnce()
    expect(await s.loads.load('x', 1, false)).toBeUndefined()
  })

  it('closes the service of every source, and a source that never loaded needs none', async () => {
    const s = setup()
    s.hand('a', 'x')
    s.hand('b', 'y')
    s.hand('c', 'z')
    await s.loads.load('x', 1, false)
    await s.loads.load('y', 1, false)
    await s.loads.close()
    expect(s.made.map(({ fake }) => fake.close.mock.calls.length)).toEqual([1, 1])
  })

  it("answers before its service's writes land; what it answers says when they have", async () => {
    const s = setup()
    s.hand('a', 'x', 'y')
    const x = (await s.loads.load('x', 1, false))!
    const y = (await s.loads.load('y', 1, false))!
    const landed: string[] = []
    void x.written.then(() => landed.push('x'))
    void y.written.then(() => landed.push('y'))
    const [landX, landY] = s.made[0]!.writes as [() => void, () => void]
    landX()
    await new Promise((resolve) => setTimeout(resolve, 0))
    // `x` waits for its own write only; `y` for every write begun before it was answered.
    expect(landed).toEqual(['x'])
    landY()
    await y.written
    expect(landed).toEqual(['x', 'y'])
  })
})
