// What the page hands the worker so it loads a miss itself: the source (plain data that
// crosses to the worker) and the records, one message per task.
import { describe, expect, it } from 'vitest'
import { createImageService, type ImageRecord } from '../../src/core'
import { SW_MESSAGE } from '../../src/protocol'
import { WorkerBridge, workerLoadSource } from '../../src/window'
import { createMemoryBackend } from '../../src/testing'
import { testDatabase } from '../support/testDatabase'

const record = (id: string): ImageRecord => ({
  id,
  token: 3,
  meta: { key: 'a2V5', iv: 'aXY=', tag: 'dGFn' },
  statelessProof: 'proof',
})

describe('workerLoadSource', () => {
  it("carries the pages' database, limits and default endpoint, and no function", () => {
    const source = workerLoadSource({
      cache: { dbName: 'app-images', maxEntries: 10, maxBytes: 2048, evictionBatch: 2, touchDelay: 5 },
      endpoint: { baseUrl: 'https://api.example', route: '/img', headers: { authorization: 'Bearer t' } },
      imageFormats: ['webp'],
      timeout: 900,
      maxConcurrentFetches: 3,
    })
    expect(source).toEqual({
      cache: { dbName: 'app-images', maxEntries: 10, maxBytes: 2048, evictionBatch: 2 },
      endpoint: { baseUrl: 'https://api.example', route: '/img', headers: { authorization: 'Bearer t' } },
      imageFormats: ['webp'],
      timeout: 900,
      maxConcurrentFetches: 3,
    })
    // It crosses to the worker as a structured clone: no function in it.
    expect(structuredClone(source)).toEqual(source)
    expect(workerLoadSource()).toMatchObject({ endpoint: {} })
  })

  it('leaves the endpoint out where the fetcher is a function, and names a database passed in', async () => {
    const { db } = await testDatabase()
    expect(workerLoadSource({ fetcher: createMemoryBackend().fetcher }).endpoint).toBeUndefined()
    expect(workerLoadSource({ endpoint: { fetch: globalThis.fetch } }).endpoint).toBeUndefined()
    expect(workerLoadSource({ cache: { database: db } }).cache.dbName).toBe(db.name)
  })
})

describe('WorkerBridge hand-over', () => {
  it('hands the worker in control the records of one task in one message, and none after a clear', async () => {
    const { db } = await testDatabase()
    const service = createImageService({ cache: { database: db }, fetcher: createMemoryBackend().fetcher })
    const posted: unknown[] = []
    let controller: { postMessage(message: unknown): void } | null = {
      postMessage: (message) => posted.push(message),
    }
    const source = workerLoadSource({ cache: { database: db } })
    const bridge = new WorkerBridge({
      service,
      source,
      controller: () => controller,
      controlled: () => false,
    })
    expect(bridge.handsOver).toBe(true)
    bridge.register(record('a'))
    bridge.register(record('b'))
    expect(posted).toEqual([])
    await Promise.resolve()
    expect(posted).toEqual([{ type: SW_MESSAGE.RECORDS, source, records: [record('a'), record('b')] }])
    // Registered just before a logout: dropped with it. The clear itself follows the records
    // on the same path, so none handed before it reaches the worker after it.
    bridge.register(record('c'))
    await bridge.clear()
    await Promise.resolve()
    // With this page's epoch after it: the worker answers this page's older URLs at once.
    expect(posted).toEqual([posted[0], { type: SW_MESSAGE.CLEAR, clearId: expect.any(String), epoch: 1 }])
    // No worker in control: nothing to post to.
    controller = null
    bridge.register(record('d'))
    await Promise.resolve()
    expect(posted).toHaveLength(2)
    // Without a source the bridge only answers the worker's questions.
    const answering = new WorkerBridge({ service, controller: () => controller })
    expect(answering.handsOver).toBe(false)
  })
})
