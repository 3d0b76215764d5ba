// The display logic of one image, in Node: no React, no DOM. The decoder and the worker
// container are fakes the test drives; the service, store and backend are real.
import { QueryClient } from '@tanstack/query-core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  bindImageQueries,
  ImageObserver,
  PixstoreClient,
  type ImageObserverOptions,
  type ImageRecord,
} from '../../src'
import type { ImageFetcher } from '../../src/core'
import { imageQueryKey } from '../../src/client'
import { SW_MESSAGE } from '../../src/protocol'
import { createMemoryBackend } from '../../src/testing'
import { fakeWorkerContainer } from '../support/fakeWorkerContainer'
import { testDatabase } from '../support/testDatabase'

const bytes = (seed: number) => Uint8Array.from({ length: 512 }, (_, i) => (i * seed) % 256)

let counter = 0
const stops: Array<() => void> = []
afterEach(() => stops.splice(0).forEach((stop) => stop()))

/** A decoder whose answers the test gives; by default every src decodes. */
function decoder(auto = true) {
  const asked: string[] = []
  const pending = new Map<string, { resolve: () => void; reject: (error: Error) => void }>()
  const decode = (src: string) => {
    asked.push(src)
    return auto
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => pending.set(src, { resolve, reject }))
  }
  return { decode, asked, pending }
}

async function setup(
  worker: 'none' | 'controlled' | 'registering' = 'none',
  wrap?: (fetcher: ImageFetcher) => ImageFetcher,
  readyTimeout = 60_000,
) {
  const backend = createMemoryBackend()
  const { db } = await testDatabase()
  const fake = fakeWorkerContainer({ controlled: worker === 'controlled' })
  const client = new PixstoreClient({
    config: { fetcher: wrap ? wrap(backend.fetcher) : backend.fetcher, cache: { database: db } },
    serviceWorker: worker === 'none' ? false : { container: fake.container, readyTimeout },
    channel: `observer-${Date.now()}-${counter++}`,
  })
  stops.push(client.mount())
  const queryClient = new QueryClient()
  stops.push(bindImageQueries(client, queryClient))
  const register = vi.spyOn(client.bridge, 'register')
  return {
    backend,
    client,
    queryClient,
    register,
    takeOver: fake.takeOver,
    registered: fake.registered,
    posted: fake.posted,
  }
}

type Setup = Awaited<ReturnType<typeof setup>>

/** An observer as a component holds it: committed and listened to. */
function observe(
  { client, queryClient }: Setup,
  options: ImageObserverOptions & { record: ImageRecord | null | undefined },
  decode = decoder().decode,
) {
  const observer = new ImageObserver(client, queryClient, options, decode)
  const heard: number[] = []
  observer.setOptions(options, observer.getOptimisticResult(options))
  stops.push(observer.subscribe(() => heard.push(observer.getVersion())))
  return { observer, heard, result: () => observer.getCurrentResult() }
}

/** What the <img> does once the src it shows has loaded. */
const showLoaded = (observer: ImageObserver) =>
  observer.loaded(observer.getCurrentResult().src, () => Promise.resolve())

describe('ImageObserver', () => {
  it('without a worker, shows the object URL in the <img> itself and succeeds once the <img> decoded it', async () => {
    const s = await setup()
    const record = await s.backend.save(bytes(3), 'png')
    const { decode, asked } = decoder()
    const { observer, result } = observe(s, { record }, decode)
    expect(result()).toMatchObject({ status: 'loading', src: undefined, via: undefined })
    await expect.poll(() => result().src).toMatch(/^blob:/)
    expect(result().status).toBe('loading')
    showLoaded(observer)
    await expect.poll(() => result().status).toBe('success')
    expect(result()).toMatchObject({ via: 'object-url', error: null, isPreview: false })
    // The first image loads in the <img> itself: nothing decodes it off-screen.
    expect(asked).toEqual([])
    expect(s.register).not.toHaveBeenCalled()
  })

  it('with the worker in control, shows its URL at once, registered with the bridge, and fetches nothing itself', async () => {
    const s = await setup('controlled')
    const record = await s.backend.save(bytes(5), 'png')
    const { observer, result } = observe(s, { record })
    expect(result().src).toBe(`/_img/${record.id}?t=${record.token}&r=1`)
    expect(s.register).toHaveBeenCalledWith(record)
    // Handed to the worker in control before the task ends; the app's fetcher is a function,
    // so the worker is told to ask the page rather than load it itself.
    await Promise.resolve()
    expect(s.posted).toEqual([
      {
        type: SW_MESSAGE.RECORDS,
        source: expect.objectContaining({ endpoint: undefined }),
        records: [record],
      },
    ])
    showLoaded(observer)
    await expect.poll(() => result().status).toBe('success')
    expect(result().via).toBe('worker')
    expect(s.backend.requests.get(record.id)).toBeUndefined()
  })

  it('while the worker registers, shows the object URL and hands the image to the worker once shown; it keeps its path when the worker takes over', async () => {
    const s = await setup('registering')
    const warm = vi.spyOn(s.client.warmer, 'warm').mockImplementation(() => undefined)
    const early = await s.backend.save(bytes(7), 'png')
    const late = await s.backend.save(bytes(8), 'png')
    const first = observe(s, { record: early })
    // The image's own path does not wait, and it is what registers the worker.
    await expect.poll(() => first.result().src).toMatch(/^blob:/)
    expect(s.registered).toHaveLength(1)
    expect(warm).not.toHaveBeenCalled()
    showLoaded(first.observer)
    await expect.poll(() => first.result().status).toBe('success')
    expect(warm).toHaveBeenCalledWith(early)
    s.takeOver()
    await expect.poll(() => s.client.getWorkerStatus()).toBe('ready')
    const second = observe(s, { record: late })
    expect(second.result().src).toBe(`/_img/${late.id}?t=${late.token}&r=1`)
    expect(first.result().src).toMatch(/^blob:/)
    // A commit after the take-over (a re-render) keeps it there too.
    first.observer.setOptions({ record: early, inView: true })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(first.result()).toMatchObject({ src: expect.stringMatching(/^blob:/), via: 'object-url' })
    // Gone and back, the same version comes back on the path it started on.
    first.observer.setOptions({ record: null })
    first.observer.setOptions({ record: early })
    await expect.poll(() => first.result().src).toMatch(/^blob:/)
    expect(s.backend.requests.get(early.id)).toBe(1)
    expect(warm).toHaveBeenCalledTimes(1)
  })

  it('hands the worker nothing when it failed to register or is turned off', async () => {
    for (const s of [await setup('registering', undefined, 50), await setup('none')]) {
      const warm = vi.spyOn(s.client.warmer, 'warm').mockImplementation(() => undefined)
      const record = await s.backend.save(bytes(6), 'png')
      stops.push(s.client.subscribeWorkerStatus(() => undefined))
      await expect.poll(() => s.client.getWorkerStatus()).toMatch(/^(failed|unsupported)$/)
      const { observer, result } = observe(s, { record })
      await expect.poll(() => result().src).toMatch(/^blob:/)
      showLoaded(observer)
      await expect.poll(() => result().status).toBe('success')
      expect(warm).not.toHaveBeenCalled()
    }
  })

  it('falls back to the object URL when the worker URL fails to load', async () => {
    const s = await setup('controlled')
    const record = await s.backend.save(bytes(9), 'png')
    const { observer, result } = observe(s, { record })
    observer.failed(result().src)
    await expect.poll(() => result().src).toMatch(/^blob:/)
    expect(s.backend.requests.get(record.id)).toBe(1)
    showLoaded(observer)
    await expect.poll(() => result().status).toBe('success')
    // Once the object URL has shown, a commit does not go back to the URL that failed, nor a
    // new object URL of a refetch that swaps in.
    observer.setOptions({ record, inView: true })
    const shown = result().src
    observer.retry()
    await expect.poll(() => result().src).not.toBe(shown)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(result()).toMatchObject({ src: expect.stringMatching(/^blob:/), via: 'object-url' })
  })

  it('shows the preview first, then the full image once decoded off-screen', async () => {
    const { decode, asked, pending } = decoder(false)
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let slowId = ''
    const progressAsked: string[] = []
    const s = await setup('none', (fetcher) => async (r, c, signal, onProgress) => {
      if (onProgress) progressAsked.push(r.id)
      if (r.id === slowId) await gate
      return fetcher(r, c, signal)
    })
    const preview = await s.backend.save(bytes(2), 'png')
    const record = await s.backend.save(bytes(11), 'png')
    slowId = record.id
    const { observer, result } = observe(s, { record, preview }, decode)
    await expect.poll(() => result().src).toMatch(/^blob:/)
    // The preview stands in only once its own <img> has loaded it.
    expect(result().isPreview).toBe(false)
    showLoaded(observer)
    await expect.poll(() => result().isPreview).toBe(true)
    const previewSrc = result().src
    release()
    await expect.poll(() => asked.length).toBe(1)
    // Decoding off-screen: the preview stays on screen meanwhile.
    expect(result()).toMatchObject({ src: previewSrc, isPreview: true, status: 'loading' })
    pending.get(asked[0]!)!.resolve()
    await expect.poll(() => result().status).toBe('success')
    expect(result()).toMatchObject({ src: asked[0], isPreview: false, via: 'object-url' })
    expect(asked[0]).not.toBe(previewSrc)
    // Nobody tracks the progress of either.
    expect(progressAsked).toEqual([])
    // Once the full image shows, a new preview is not loaded.
    const later = await s.backend.save(bytes(3), 'png')
    observer.setOptions({ record, preview: later })
    expect(s.queryClient.isFetching()).toBe(0)
  })

  it('stops decoding off-screen once nobody listens: a decode that ends after shows nothing', async () => {
    const { decode, asked, pending } = decoder(false)
    const s = await setup()
    const record = await s.backend.save(bytes(5), 'png')
    const options = { record, placeholder: true }
    const observer = new ImageObserver(s.client, s.queryClient, options, decode)
    observer.setOptions(options, observer.getOptimisticResult(options))
    const stop = observer.subscribe(() => undefined)
    // Behind a placeholder the image is decoded off-screen before it is shown.
    await expect.poll(() => asked.length).toBe(1)
    stop()
    pending.get(asked[0]!)!.resolve()
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(observer.getCurrentResult()).toMatchObject({ src: undefined, status: 'loading' })
  })

  it("fails with the full image's error when a preview is given", async () => {
    const s = await setup()
    const preview = await s.backend.save(bytes(2), 'png')
    const record = await s.backend.save(bytes(11), 'png')
    const { observer, result } = observe(s, { record: { ...record, id: 'gone' }, preview })
    await expect.poll(() => result().src).toMatch(/^blob:/)
    showLoaded(observer)
    await expect.poll(() => result().status).toBe('error')
    expect(result().error).toMatchObject({ name: 'PixstoreError', code: 'not-found' })
    // The preview still shows, but it stands in for nothing that loads.
    expect(result()).toMatchObject({ src: expect.stringMatching(/^blob:/), isPreview: false })
  })

  it('reports the error of the next token of its id when it fails to load', async () => {
    const s = await setup()
    const record = await s.backend.save(bytes(15), 'png')
    const { observer, result } = observe(s, { record })
    await expect.poll(() => result().src).toMatch(/^blob:/)
    showLoaded(observer)
    await expect.poll(() => result().status).toBe('success')
    const shown = result().src
    s.backend.remove(record.id)
    const next = { ...record, token: record.token + 1 }
    observer.setOptions({ record: next })
    await expect.poll(() => s.queryClient.getQueryState(imageQueryKey(next))?.status).toBe('error')
    expect(s.backend.requests.get(record.id)).toBe(2)
    expect(shown).toMatch(/^blob:/)
    expect(result()).toMatchObject({ status: 'error', src: undefined, error: { code: 'not-found' } })
  })

  it("fetches a 'visible' image without inView: it counts as on screen", async () => {
    const s = await setup()
    const record = await s.backend.save(bytes(14), 'png')
    const { result } = observe(s, { record, loadFull: 'visible' })
    await expect.poll(() => result().src).toMatch(/^blob:/)
    expect(s.backend.requests.get(record.id)).toBe(1)
  })

  it("fetches a 'visible' image only while in view, a 'manual' one only on load(), and cancels one that leaves before loading", async () => {
    const signals: AbortSignal[] = []
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const s = await setup('none', (fetcher) => async (r, c, signal) => {
      signals.push(signal!)
      await gate
      return fetcher(r, c, signal)
    })
    const record = await s.backend.save(bytes(13), 'png')
    const manual = await s.backend.save(bytes(17), 'png')
    const visible = observe(s, { record, loadFull: 'visible', inView: false })
    const onDemand = observe(s, { record: manual, loadFull: 'manual' })
    // Committed again, neither is wanted yet: only being shown or load() keeps an image wanted.
    visible.observer.setOptions({ record, loadFull: 'visible', inView: false })
    onDemand.observer.setOptions({ record: manual, loadFull: 'manual' })
    expect(s.queryClient.isFetching()).toBe(0)
    await Promise.resolve()
    expect(signals).toHaveLength(0)
    visible.observer.setOptions({ record, loadFull: 'visible', inView: true })
    await expect.poll(() => signals.length).toBe(1)
    onDemand.observer.load()
    await expect.poll(() => signals.length).toBe(2)
    // Leaving before it loaded cancels its own fetch, not the other image's.
    visible.observer.setOptions({ record, loadFull: 'visible', inView: false })
    await expect.poll(() => signals[0]!.aborted).toBe(true)
    expect(signals[1]!.aborted).toBe(false)
    release()
    await expect.poll(() => onDemand.result().src).toMatch(/^blob:/)
    expect(visible.result().src).toBeUndefined()
    expect(s.backend.requests.get(record.id)).toBeUndefined()
    // Once shown, a 'visible' image stays loaded when it scrolls away.
    visible.observer.setOptions({ record, loadFull: 'visible', inView: true })
    await expect.poll(() => visible.result().src).toMatch(/^blob:/)
    showLoaded(visible.observer)
    await expect.poll(() => visible.result().status).toBe('success')
    visible.observer.setOptions({ record, loadFull: 'visible', inView: false })
    expect(visible.result()).toMatchObject({ status: 'success', src: expect.stringMatching(/^blob:/) })
  })

  it('after a logout holds a shown image on either path: it fetches nothing until retry()', async () => {
    const s = await setup()
    const record = await s.backend.save(bytes(19), 'png')
    const { observer, result } = observe(s, { record })
    await expect.poll(() => result().src).toMatch(/^blob:/)
    showLoaded(observer)
    await expect.poll(() => result().status).toBe('success')
    await s.client.clear()
    await expect.poll(() => result().src).toBeUndefined()
    expect(result().status).toBe('loading')
    expect(s.backend.requests.get(record.id)).toBe(1)
    observer.retry()
    await expect.poll(() => result().src).toMatch(/^blob:/)
    expect(s.backend.requests.get(record.id)).toBe(2)

    const w = await setup('controlled')
    const shown = await w.backend.save(bytes(20), 'png')
    const onWorker = observe(w, { record: shown })
    showLoaded(onWorker.observer)
    await expect.poll(() => onWorker.result().status).toBe('success')
    // The clears this document saw so far (earlier tests'), counted on by every new client.
    const epoch = w.client.getClearEpoch()
    await w.client.clear()
    // Not the worker URL of the next clear epoch: the <img> would ask the worker, and the
    // worker the page.
    await expect.poll(() => onWorker.result().src).toBeUndefined()
    expect(w.register).toHaveBeenCalledTimes(1)
    onWorker.observer.retry()
    expect(onWorker.result().src).toBe(`/_img/${shown.id}?t=${shown.token}&r=1&e=${epoch + 1}`)
    expect(w.register).toHaveBeenCalledTimes(2)
  })

  it("keeps a shown 'visible' image on the worker path when it scrolls away", async () => {
    const s = await setup('controlled')
    const record = await s.backend.save(bytes(21), 'png')
    const { observer, result } = observe(s, { record, loadFull: 'visible', inView: true })
    showLoaded(observer)
    await expect.poll(() => result().status).toBe('success')
    observer.setOptions({ record, loadFull: 'visible', inView: false })
    expect(result()).toMatchObject({
      status: 'success',
      src: `/_img/${record.id}?t=${record.token}&r=1&e=${s.client.getClearEpoch()}`,
    })
  })

  it('reports the download progress of the full image with trackProgress, and none without', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const streamed: Array<[string, boolean]> = []
    const s = await setup('none', (fetcher) => async (record, context, signal, onProgress) => {
      // Streaming is asked for on the first fetch, not on a retry after a timeout.
      streamed.push([record.id, onProgress !== undefined])
      onProgress?.({ received: 3, total: 10 })
      await held
      return fetcher(record, context, signal)
    })
    const record = await s.backend.save(bytes(12), 'png')
    const other = await s.backend.save(bytes(13), 'png')
    const tracked = observe(s, { record, trackProgress: true })
    const untracked = observe(s, { record: other })
    await expect.poll(() => streamed.length).toBe(2)
    expect(Object.fromEntries(streamed)).toEqual({ [record.id]: true, [other.id]: false })
    await expect.poll(() => tracked.result().progress).toEqual({ received: 3, total: 10 })
    expect(untracked.result().progress).toBeUndefined()
    release()
    await expect.poll(() => tracked.result().src).toMatch(/^blob:/)
    expect(tracked.result().progress).toBeUndefined()
  })

  it('reports a coded error, and retry() fetches again', async () => {
    const s = await setup()
    const record = await s.backend.save(bytes(23), 'png')
    s.backend.remove(record.id)
    const { observer, result } = observe(s, { record })
    await expect.poll(() => result().status).toBe('error')
    expect(result().error?.code).toBe('not-found')
    observer.retry()
    await expect.poll(() => s.backend.requests.get(record.id)).toBe(2)
  })

  it('reports an object URL the browser cannot decode as unsupported-format', async () => {
    const s = await setup()
    const record = await s.backend.save(bytes(29), 'png')
    const { observer, result } = observe(s, { record })
    await expect.poll(() => result().src).toMatch(/^blob:/)
    observer.failed(result().src)
    await expect.poll(() => result().status).toBe('error')
    expect(result().error?.code).toBe('unsupported-format')
    // One error per URL: a render that asks again gets the same, so it renders nothing new.
    expect(result().error).toBe(result().error)
  })

  it('tells its listeners only when the result changes, not when a commit shows what was rendered', async () => {
    const s = await setup('controlled')
    const record = await s.backend.save(bytes(31), 'png')
    const { observer, heard } = observe(s, { record })
    expect(heard).toEqual([])
    const same = { record }
    observer.setOptions(same, observer.getOptimisticResult(same))
    expect(heard).toEqual([])
    showLoaded(observer)
    await expect.poll(() => heard.length).toBe(1)
  })
})
