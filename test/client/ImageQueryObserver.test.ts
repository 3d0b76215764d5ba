// useImage's observer in Node: no React. The service, store and in-memory backend are real.
import { QueryClient } from '@tanstack/query-core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { bindImageQueries, PixstoreClient } from '../../src'
import { ImageQueryObserver, type ImageQueryObserverOptions } from '../../src/client'
import type { ImageFetcher } from '../../src/core'
import { createMemoryBackend } from '../../src/testing'
import { testDatabase } from '../support/testDatabase'

const bytes = (seed: number) => Uint8Array.from({ length: 256 }, (_, i) => (i * seed) % 256)

let counter = 0
const stops: Array<() => void> = []
afterEach(() => stops.splice(0).forEach((stop) => stop()))

async function setup(wrap?: (fetcher: ImageFetcher) => ImageFetcher) {
  const backend = createMemoryBackend()
  const { db } = await testDatabase()
  const client = new PixstoreClient({
    config: { fetcher: wrap ? wrap(backend.fetcher) : backend.fetcher, cache: { database: db } },
    serviceWorker: false,
    channel: `query-observer-${Date.now()}-${counter++}`,
  })
  const queryClient = new QueryClient()
  stops.push(client.mount(), bindImageQueries(client, queryClient))
  return { backend, client, queryClient }
}

type Setup = Awaited<ReturnType<typeof setup>>

/** An observer as useImage holds it: committed, then listened to. */
function observe({ client, queryClient }: Setup, options: ImageQueryObserverOptions) {
  const observer = new ImageQueryObserver(client, queryClient, options)
  const heard: number[] = []
  observer.setOptions(options, observer.getOptimisticResult(options))
  stops.push(observer.subscribe(() => heard.push(observer.getVersion())))
  const rerender = (next: ImageQueryObserverOptions) =>
    observer.setOptions(next, observer.getOptimisticResult(next))
  return { observer, heard, rerender, result: () => observer.getCurrentResult() }
}

/** A fetcher that waits for `release(id)` before answering that id. */
function gate() {
  const waiting = new Map<string, () => void>()
  const opened = new Set<string>()
  const wrap =
    (fetcher: ImageFetcher): ImageFetcher =>
    async (record, context, signal) => {
      if (!opened.has(record.id)) await new Promise<void>((resolve) => waiting.set(record.id, resolve))
      return fetcher(record, context, signal)
    }
  const release = (id: string) => {
    opened.add(id)
    waiting.get(id)?.()
  }
  return { wrap, release, waiting }
}

describe('ImageQueryObserver', () => {
  it('loads a record into an object URL and its blob, pending until then', async () => {
    const s = await setup()
    const record = await s.backend.save(bytes(3), 'png')
    // The first render already reports the fetch its commit starts, and none while not enabled.
    const fresh = new ImageQueryObserver(s.client, s.queryClient, { record })
    expect(fresh.getOptimisticResult({ record })).toMatchObject({ status: 'pending', isFetching: true })
    expect(fresh.getOptimisticResult({ record, enabled: false })).toMatchObject({ isFetching: false })
    const { result } = observe(s, { record })
    expect(result()).toMatchObject({ status: 'pending', error: null, url: undefined, isLoading: true })
    await expect.poll(() => result().status).toBe('success')
    expect(result()).toMatchObject({ isLoading: false, isError: false, isPreview: false })
    expect(result().url).toMatch(/^blob:/)
    expect(await result().blob!.arrayBuffer()).toEqual(bytes(3).buffer)
  })

  it('fetches nothing without a record or while not enabled, and loads once enabled', async () => {
    const s = await setup()
    const record = await s.backend.save(bytes(5), 'png')
    const none = observe(s, { record: null })
    const off = observe(s, { record, enabled: false })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(none.result()).toMatchObject({ status: 'pending', isFetching: false, url: undefined })
    expect(off.result()).toMatchObject({ status: 'pending', isFetching: false })
    expect(s.backend.requests.get(record.id)).toBeUndefined()
    off.rerender({ record })
    await expect.poll(() => off.result().status).toBe('success')
    expect(s.backend.requests.get(record.id)).toBe(1)
  })

  it('shows the preview while the full image loads, then the full image; the preview stops once it has shown', async () => {
    const { wrap, release } = gate()
    const s = await setup(wrap)
    const preview = await s.backend.save(bytes(7), 'png')
    const record = await s.backend.save(bytes(8), 'png')
    release(preview.id)
    const { result } = observe(s, { record, preview })
    await expect.poll(() => result().isPreview).toBe(true)
    expect(result()).toMatchObject({ status: 'pending', isLoading: true })
    expect(await result().blob!.arrayBuffer()).toEqual(bytes(7).buffer)
    release(record.id)
    await expect.poll(() => result().status).toBe('success')
    expect(result().isPreview).toBe(false)
    expect(await result().blob!.arrayBuffer()).toEqual(bytes(8).buffer)
  })

  it('loads no preview once the full image is cached, nor for a held or missing record', async () => {
    const s = await setup()
    const preview = await s.backend.save(bytes(9), 'png')
    const record = await s.backend.save(bytes(10), 'png')
    const first = observe(s, { record })
    await expect.poll(() => first.result().status).toBe('success')
    const second = observe(s, { record, preview })
    expect(second.result()).toMatchObject({ status: 'success', isPreview: false })
    observe(s, { record: null, preview })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(s.backend.requests.get(preview.id)).toBeUndefined()
  })

  it("fails with the full image's error when a preview is given, showing the preview", async () => {
    const s = await setup()
    const preview = await s.backend.save(bytes(11), 'png')
    const record = await s.backend.save(bytes(12), 'png')
    s.backend.remove(record.id)
    const { result } = observe(s, { record, preview })
    await expect.poll(() => result().status).toBe('error')
    expect(result().error?.code).toBe('not-found')
    expect(result().isError).toBe(true)
    await expect.poll(() => result().isPreview).toBe(true)
  })

  it("keeps showing the previous token's image until the new one has loaded", async () => {
    const { wrap, release } = gate()
    const s = await setup(wrap)
    const record = await s.backend.save(bytes(13), 'png')
    release(record.id)
    const { result, rerender } = observe(s, { record })
    await expect.poll(() => result().status).toBe('success')
    const oldUrl = result().url
    const next = await s.backend.save(bytes(14), 'png', record.id)
    rerender({ record: next })
    expect(result()).toMatchObject({ isPlaceholderData: true, url: oldUrl })
    await expect.poll(() => result().isPlaceholderData).toBe(false)
    expect(result().url).not.toBe(oldUrl)
    expect(await result().blob!.arrayBuffer()).toEqual(bytes(14).buffer)
    // Another image is not a new token: nothing of this one stands in for it.
    const other = await s.backend.save(bytes(18), 'png')
    rerender({ record: other })
    expect(result()).toMatchObject({ isPlaceholderData: false, url: undefined, status: 'pending' })
  })

  it('after a logout holds the shown image: nothing refetches until refetch(), and a new record is not held', async () => {
    const s = await setup()
    const record = await s.backend.save(bytes(15), 'png')
    const other = await s.backend.save(bytes(16), 'png')
    const { observer, result, rerender } = observe(s, { record })
    await expect.poll(() => result().status).toBe('success')
    await s.client.clear()
    await expect.poll(() => result().url).toBeUndefined()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(s.backend.requests.get(record.id)).toBe(1)
    await observer.refetch()
    await expect.poll(() => result().status).toBe('success')
    expect(s.backend.requests.get(record.id)).toBe(2)

    await s.client.clear()
    await expect.poll(() => result().url).toBeUndefined()
    rerender({ record: other })
    await expect.poll(() => result().status).toBe('success')
    expect(s.backend.requests.get(other.id)).toBe(1)
    expect(s.backend.requests.get(record.id)).toBe(2)
  })

  it('refetch() loads a shown image again when nothing holds it', async () => {
    const s = await setup()
    const record = await s.backend.save(bytes(17), 'png')
    const { observer, result } = observe(s, { record })
    await expect.poll(() => result().status).toBe('success')
    const getImage = vi.spyOn(s.client.service, 'getImage')
    await observer.refetch()
    expect(getImage).toHaveBeenCalledTimes(1)
    // The encrypted cache answers: the backend is not asked again.
    expect(result().status).toBe('success')
    expect(s.backend.requests.get(record.id)).toBe(1)
  })

  it('with retryOnMount false, a query in error does not fetch again when another observer starts', async () => {
    const s = await setup()
    const record = await s.backend.save(bytes(18), 'png')
    s.backend.remove(record.id)
    const first = observe(s, { record })
    await expect.poll(() => first.result().status).toBe('error')
    expect(s.backend.requests.get(record.id)).toBe(1)
    const quiet = observe(s, { record, retryOnMount: false })
    expect(quiet.result().status).toBe('error')
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(s.backend.requests.get(record.id)).toBe(1)
    // By default a new observer's first render already shows the fetch its commit starts.
    const fresh = new ImageQueryObserver(s.client, s.queryClient, { record })
    expect(fresh.getOptimisticResult({ record })).toMatchObject({ status: 'pending', isFetching: true })
    const again = observe(s, { record })
    await expect.poll(() => s.backend.requests.get(record.id)).toBe(2)
    expect(again.result().isFetching || again.result().status === 'error').toBe(true)
  })

  it('fetchOptimistic resolves with the image for a render that waits for it', async () => {
    const s = await setup()
    const record = await s.backend.save(bytes(19), 'png')
    const observer = new ImageQueryObserver(s.client, s.queryClient, { record })
    await observer.fetchOptimistic({ record })
    expect(observer.getOptimisticResult({ record })).toMatchObject({ status: 'success' })
  })

  it('reports progress only to the observer that tracks it, when another shows the same record', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const s = await setup((fetcher) => async (record, context, signal, onProgress) => {
      onProgress?.({ received: 4, total: 8 })
      await held
      return fetcher(record, context, signal)
    })
    const record = await s.backend.save(bytes(21), 'png')
    const tracked = observe(s, { record, trackProgress: true })
    const plain = observe(s, { record })
    await expect.poll(() => tracked.result().progress).toEqual({ received: 4, total: 8 })
    expect(plain.result().progress).toBeUndefined()
    release()
    await expect.poll(() => plain.result().status).toBe('success')
  })

  it('asks the fetcher for no progress when no observer tracks it', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const asked: boolean[] = []
    const s = await setup((fetcher) => async (record, context, signal, onProgress) => {
      asked.push(onProgress !== undefined)
      await held
      return fetcher(record, context, signal)
    })
    const record = await s.backend.save(bytes(23), 'png')
    const { result } = observe(s, { record })
    await expect.poll(() => asked).toEqual([false])
    release()
    await expect.poll(() => result().status).toBe('success')
    expect(asked).toEqual([false])
  })

  it('commits the same query options while the record stays the same, so TanStack has nothing to update', async () => {
    const s = await setup()
    const record = await s.backend.save(bytes(22), 'png')
    const { result, rerender } = observe(s, { record })
    await expect.poll(() => result().status).toBe('success')
    const updates: string[] = []
    stops.push(s.queryClient.getQueryCache().subscribe((event) => void updates.push(event.type)))
    rerender({ record, enabled: true })
    rerender({ record, trackProgress: false })
    expect(updates.filter((type) => type === 'observerOptionsUpdated')).toEqual([])
  })

  it('tells its listeners only when the result changes', async () => {
    const s = await setup()
    const record = await s.backend.save(bytes(20), 'png')
    const { heard, result, rerender } = observe(s, { record })
    await expect.poll(() => result().status).toBe('success')
    const settled = heard.length
    expect(settled).toBeGreaterThan(0)
    rerender({ record })
    rerender({ record, enabled: true })
    expect(heard.length).toBe(settled)
  })
})
