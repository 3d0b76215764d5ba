// The image query's own work per image, in Node: it must not grow with the images the
// cache already holds, and it must agree with an app's own queryKeyHashFn.
import { hashKey, onlineManager, QueryClient, type QueryKey } from '@tanstack/query-core'
import { afterEach, describe, expect, it } from 'vitest'
import { bindImageQueries, PixstoreClient } from '../../src'
import { ImageQueryObserver, imageQueryOptions } from '../../src/client'
import { scriptFreeUrl } from '../../src/client/ImageQuery'
import { PixstoreError, type ImageFetcher } from '../../src/core'
import { createMemoryBackend } from '../../src/testing'
import { testDatabase } from '../support/testDatabase'

let counter = 0
const stops: Array<() => void> = []
afterEach(() => stops.splice(0).forEach((stop) => stop()))

/** A client whose QueryClient hashes keys its own way, counting every hash. */
async function setup(fetcher?: (backend: ImageFetcher) => ImageFetcher) {
  const backend = createMemoryBackend()
  const { db } = await testDatabase()
  const client = new PixstoreClient({
    config: { fetcher: fetcher ? fetcher(backend.fetcher) : backend.fetcher, cache: { database: db } },
    serviceWorker: false,
    channel: `query-options-${Date.now()}-${counter++}`,
  })
  const hashes = { count: 0 }
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: { queryKeyHashFn: (key: QueryKey) => (hashes.count++, `app:${hashKey(key)}`) },
    },
  })
  stops.push(client.mount(), bindImageQueries(client, queryClient))
  return { backend, client, queryClient, hashes }
}

/** Hashes computed per image while `n` images load and show their object URLs. */
async function hashesPerImage(n: number): Promise<number> {
  const { backend, client, queryClient, hashes } = await setup()
  const records = []
  for (let i = 0; i < n; i++)
    records.push(
      await backend.save(
        Uint8Array.from({ length: 64 }, (_, k) => (k * (i + 1)) % 256),
        'png',
      ),
    )
  hashes.count = 0
  const observers = records.map((record) => {
    const observer = new ImageQueryObserver(client, queryClient, { record })
    observer.setOptions({ record })
    stops.push(observer.subscribe(() => undefined))
    return observer
  })
  await expect.poll(() => observers.every((o) => o.getCurrentResult().url !== undefined)).toBe(true)
  return hashes.count / n
}

describe('imageQueryOptions', () => {
  it('hashes as many keys per image with 60 images in the cache as with 6', async () => {
    const few = await hashesPerImage(6)
    const many = await hashesPerImage(60)
    expect(few).toBeGreaterThan(0)
    expect(many).toBeLessThan(few * 1.5)
  })

  it("reports download progress under the app's queryKeyHashFn", async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const { backend, client, queryClient } = await setup(
      (fetcher) => async (record, context, signal, onProgress) => {
        onProgress?.({ received: 3, total: 10 })
        await held
        return fetcher(record, context, signal)
      },
    )
    const record = await backend.save(
      Uint8Array.from({ length: 64 }, (_, k) => k),
      'png',
    )
    const options = { record, trackProgress: true }
    const observer = new ImageQueryObserver(client, queryClient, options)
    observer.setOptions(options)
    stops.push(observer.subscribe(() => undefined))
    await expect.poll(() => observer.getCurrentResult().progress).toEqual({ received: 3, total: 10 })
    release()
    await expect.poll(() => observer.getCurrentResult().url).toMatch(/^blob:/)
    expect(observer.getCurrentResult().progress).toBeUndefined()
  })
})

describe('the image query offline', () => {
  afterEach(() => onlineManager.setOnline(true))

  it('retries a network error while online, and not at all offline: the error shows at once', async () => {
    const { client, queryClient } = await setup()
    const { retry } = imageQueryOptions(client, queryClient, { id: 'a', token: 1, meta: {} } as never)
    const network = new PixstoreError('network', 'offline')
    const check = retry as (failures: number, error: PixstoreError) => boolean
    expect(check(0, network)).toBe(true)
    expect(check(3, network)).toBe(false)
    expect(check(0, new PixstoreError('decrypt-failed', 'bad'))).toBe(false)
    onlineManager.setOnline(false)
    expect(check(0, network)).toBe(false)
  })

  it('runs while offline (the encrypted cache needs no network) and fetches again on reconnect', async () => {
    const { client, queryClient } = await setup()
    const options = queryClient.defaultQueryOptions(
      imageQueryOptions(client, queryClient, { id: 'a', token: 1, meta: {} } as never),
    )
    expect(options.networkMode).toBe('always')
    expect(options.refetchOnReconnect).toBe(true)
  })
})

const svgBytes = Uint8Array.of(60, 115, 118, 103, 62)

describe('scriptFreeUrl', () => {
  it('leaves raster images to object URLs', async () => {
    for (const type of ['image/png', 'image/jpeg', 'image/webp', 'image/avif', 'image/gif'])
      expect(await scriptFreeUrl(new Blob([svgBytes], { type }))).toBeUndefined()
  })

  it('makes a data: URL of an SVG, and of anything not an image', async () => {
    for (const type of ['image/svg+xml', 'text/html', 'application/xml', ''])
      expect(await scriptFreeUrl(new Blob([svgBytes], { type }))).toBe(`data:${type};base64,PHN2Zz4=`)
  })
})
