import { describe, expect, it, vi } from 'vitest'
import { PixstoreClient } from '../../src'
import { testDatabase } from '../support/testDatabase'

let counter = 0

async function client(channel: string, serviceWorker: false | { prefix?: string } = false) {
  const { db } = await testDatabase()
  return { client: new PixstoreClient({ config: { cache: { database: db } }, serviceWorker, channel }), db }
}

describe('PixstoreClient', () => {
  it('counts clears made here or in another tab while mounted, tells its listeners, and revokes its object URLs', async () => {
    const channel = `client-${Date.now()}-${counter++}`
    const { client: here } = await client(channel)
    const { client: there } = await client(channel)
    const stopHere = here.mount()
    const stopThere = there.mount()
    const heard: number[] = []
    here.subscribeClears(() => heard.push(here.getClearEpoch()))
    const url = here.urls.create('query', new Blob([Uint8Array.of(1)]))
    const revoked = vi.spyOn(URL, 'revokeObjectURL')
    await here.clear()
    expect(revoked).toHaveBeenCalledWith(url)
    revoked.mockRestore()
    expect(heard).toEqual([1])
    await there.clear()
    await expect.poll(() => here.getClearEpoch()).toBe(2)
    expect(heard).toEqual([1, 2])
    stopHere()
    stopThere()
  })

  it('keeps listening while any mount is left, and stops with the last', async () => {
    const channel = `client-${Date.now()}-${counter++}`
    const { client: here } = await client(channel)
    const { client: there } = await client(channel)
    const stopThere = there.mount()
    const first = here.mount()
    const second = here.mount()
    first()
    first()
    await there.clear()
    await expect.poll(() => here.getClearEpoch()).toBe(1)
    second()
    // Stopped: not even a clear made here (heard in the same task when mounted) counts.
    await here.clear()
    expect(here.getClearEpoch()).toBe(1)
    stopThere()
  })

  it('reports unsupported without a worker, takes its prefix, and closes its database', async () => {
    const channel = `client-${Date.now()}-${counter++}`
    const plain = await client(channel)
    expect(plain.client.getWorkerStatus()).toBe('unsupported')
    expect(plain.client.workerPrefix).toBe('/_img')
    expect((await client(channel, { prefix: '/media' })).client.workerPrefix).toBe('/media')
    await plain.client.service.stats()
    await plain.client.close()
    expect(plain.db.isOpen()).toBe(false)
  })
})
