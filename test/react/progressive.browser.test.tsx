// Progressive display in Chromium: preview first, full images when wanted, visible images
// first with few requests in flight, download progress.
import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react'
import { createRef, type RefObject } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import { page } from 'vitest/browser'
import { SecureImage, useImage, type ImageRecord } from '../../src'
import { createMemoryBackend, PixstoreDatabase, type ImageFetcher } from '../../src/core'
import { makeImage } from '../support/images'
import { pixstoreHarness } from '../support/pixstoreHarness'

afterEach(() => cleanup())

/** A harness whose full images answer slowly and previews at once. */
async function previewPair(fullLatency: number) {
  const h = pixstoreHarness()
  const thumb = await h.save(1, 8)
  const full = await h.save(2, 64)
  const counting = h.config.fetcher!
  const fetcher: ImageFetcher = async (record, context, signal) => {
    if (record.id === full.record.id) await new Promise((resolve) => setTimeout(resolve, fullLatency))
    return counting(record, context, signal)
  }
  // The provider reads its config on mount, after this.
  h.config.fetcher = fetcher
  return { h, thumb: thumb.record, full: full.record }
}

describe('thumbnail first', () => {
  it('shows the preview at once, then swaps to the decoded full image in the same <img>', async () => {
    const { h, thumb, full } = await previewPair(300)
    render(<SecureImage record={full} preview={thumb} alt="Scan" width={64} height={64} />, {
      wrapper: h.wrapper,
    })
    const img = (await screen.findByAltText('Scan')) as HTMLImageElement
    await waitFor(() => expect(img.dataset.preview).toBe('true'))
    expect(img.complete && img.naturalWidth).toBe(8)
    expect(img.getAttribute('aria-busy')).toBe('true')
    const box = img.getBoundingClientRect()
    await waitFor(() => expect(img.naturalWidth).toBe(64), { timeout: 3000 })
    expect(screen.getByAltText('Scan')).toBe(img)
    expect(img.dataset.preview).toBeUndefined()
    expect(img.hasAttribute('aria-busy')).toBe(false)
    // No layout shift: the box never moved or resized.
    expect(img.getBoundingClientRect().toJSON()).toEqual(box.toJSON())
  })

  it('with loadFull="manual" fetches the full image only when load() is called', async () => {
    const { h, thumb, full } = await previewPair(0)
    const loadRef = createRef<() => void>() as RefObject<() => void>
    render(<SecureImage record={full} preview={thumb} loadFull="manual" loadRef={loadRef} alt="Manual" />, {
      wrapper: h.wrapper,
    })
    const img = (await screen.findByAltText('Manual')) as HTMLImageElement
    await waitFor(() => expect(img.dataset.preview).toBe('true'))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(h.fetches).toEqual([thumb.id])
    act(() => loadRef.current())
    await waitFor(() => expect(img.naturalWidth).toBe(64))
    expect(h.fetches).toEqual([thumb.id, full.id])
  })

  it('useImage(full, { preview }) hands out the preview URL until the full one is there', async () => {
    const { h, thumb, full } = await previewPair(200)
    const { result } = renderHook(() => useImage(full, { preview: thumb }), { wrapper: h.wrapper })
    await waitFor(() => expect(result.current.isPreview).toBe(true))
    expect(result.current.url).toMatch(/^blob:/)
    expect(result.current.status).toBe('pending')
    const previewUrl = result.current.url
    await waitFor(() => expect(result.current.status).toBe('success'))
    expect(result.current.isPreview).toBe(false)
    expect(result.current.url).not.toBe(previewUrl)
  })
})

describe('download progress', () => {
  it('useImage({ trackProgress }) reports bytes received against the length as the body streams', async () => {
    const backend = createMemoryBackend()
    const record = await backend.save(await makeImage(64, 64, 'image/png', 9), 'png')
    // The default endpoint fetcher over a response that arrives in four slow chunks.
    const fetch: typeof globalThis.fetch = async () => {
      const body = new Uint8Array(await backend.fetcher(record, undefined, new AbortController().signal))
      const quarter = Math.ceil(body.length / 4)
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          for (let at = 0; at < body.length; at += quarter) {
            await new Promise((resolve) => setTimeout(resolve, 60))
            controller.enqueue(body.slice(at, at + quarter))
          }
          controller.close()
        },
      })
      return new Response(stream, { headers: { 'content-length': String(body.length) } })
    }
    const h = pixstoreHarness({ config: { fetcher: undefined, endpoint: { fetch } } })
    const seen: Array<{ received: number; total: number | undefined }> = []
    const { result } = renderHook(
      () => {
        const image = useImage(record, { trackProgress: true })
        if (image.progress) seen.push(image.progress)
        return image
      },
      { wrapper: h.wrapper },
    )
    await waitFor(() => expect(result.current.status).toBe('success'))
    const partial = seen.filter((p) => p.received > 0 && p.received < p.total!)
    expect(partial.length).toBeGreaterThan(0)
    expect(new Set(seen.map((p) => p.total)).size).toBe(1)
    expect(result.current.progress).toBeUndefined()
  })
})

describe('visible images first', () => {
  const COUNT = 1000
  const SIZE = 100

  async function wall(latency: number) {
    await page.viewport(1200, 800)
    const backend = createMemoryBackend({ latency })
    const bytes = await makeImage(8, 8, 'image/png', 3)
    const records: ImageRecord[] = []
    for (let i = 0; i < COUNT; i++) records.push(await backend.save(bytes, 'png', `w${i}`))
    const events: string[] = []
    // Each fetch's end: 'ok', or 'aborted' when its signal fired before the body came.
    const outcomes = new Map<string, string[]>()
    const end = (id: string, outcome: string) => outcomes.set(id, [...(outcomes.get(id) ?? []), outcome])
    const inFlight = { now: 0, peak: 0 }
    const h = pixstoreHarness({
      config: {
        fetcher: async (record, context, signal) => {
          events.push(`fetch ${record.id}`)
          inFlight.peak = Math.max(inFlight.peak, ++inFlight.now)
          try {
            const body = await backend.fetcher(record, context, signal)
            end(record.id, 'ok')
            return body
          } catch (error) {
            end(record.id, signal.aborted ? 'aborted' : 'failed')
            throw error
          } finally {
            inFlight.now--
          }
        },
        maxConcurrentFetches: 6,
      },
    })
    const scroller = createRef<HTMLDivElement>()
    render(
      <div ref={scroller} style={{ width: 1200, height: 800, overflowY: 'scroll' }}>
        <div style={{ display: 'flex', flexWrap: 'wrap', width: 1200 }}>
          {records.map((record) => (
            <SecureImage
              key={record.id}
              record={record}
              alt={record.id}
              loadFull="visible"
              width={SIZE}
              height={SIZE}
              style={{ display: 'block' }}
              onLoad={() => events.push(`decoded ${record.id}`)}
            />
          ))}
        </div>
      </div>,
      { wrapper: h.wrapper },
    )
    return { records, events, outcomes, scroller, inFlight, dbName: h.dbName }
  }

  /** Records whose box shows (with some area) inside both the scroller and the viewport. */
  function onScreen(records: ImageRecord[], scroller: HTMLElement): Set<string> {
    const clip = scroller.getBoundingClientRect()
    const bottom = Math.min(clip.bottom, window.innerHeight)
    const right = Math.min(clip.right, window.innerWidth)
    return new Set(
      records
        .filter((record) => {
          const box = screen.getByAltText(record.id).getBoundingClientRect()
          return box.bottom > clip.top && box.top < bottom && box.right > clip.left && box.left < right
        })
        .map((record) => record.id),
    )
  }

  it('decodes every image of the first screen before fetching any other, six at a time', async () => {
    const { records, events, scroller, inFlight } = await wall(20)
    const firstScreen = onScreen(records, scroller.current!)
    expect(firstScreen.size).toBeGreaterThanOrEqual(48)
    await waitFor(() => expect(events.filter((e) => e.startsWith('decoded')).length).toBe(firstScreen.size), {
      timeout: 20_000,
    })
    await new Promise((resolve) => setTimeout(resolve, 200))
    const fetched = events.filter((e) => e.startsWith('fetch ')).map((e) => e.slice(6))
    expect(new Set(fetched)).toEqual(firstScreen)
    expect(inFlight.peak).toBe(6)
  }, 60_000)

  it('cancels what scrolls away before its fetch starts, leaving no cache entry for it', async () => {
    const { records, events, outcomes, scroller, dbName } = await wall(150)
    const firstScreen = onScreen(records, scroller.current!)
    // Rush through the middle: rows enter the screen and leave it at once.
    for (let top = 800; top <= 40_000; top += 800) {
      scroller.current!.scrollTop = top
      await new Promise((resolve) => requestAnimationFrame(resolve))
    }
    scroller.current!.scrollTop = 0
    // Back at the top, the first screen shows again.
    await waitFor(
      () => {
        for (const id of firstScreen) {
          const img = screen.getByAltText(id) as HTMLImageElement
          expect(img.complete && img.naturalWidth).toBeGreaterThan(0)
        }
      },
      { timeout: 20_000 },
    )
    await new Promise((resolve) => setTimeout(resolve, 500))
    const fetched = new Set(events.filter((e) => e.startsWith('fetch ')).map((e) => e.slice(6)))
    const passed = records.slice(firstScreen.size, firstScreen.size + 400).filter((r) => !fetched.has(r.id))
    // Most of what flew past never reached the backend.
    expect(passed.length).toBeGreaterThan(300)
    const db = new PixstoreDatabase(dbName)
    const stored = new Set((await db.images.toArray()).map((row) => row.id))
    db.close()
    // Fetches cut off mid-body happened, and none of them left an entry behind.
    const onlyAborted = [...outcomes]
      .filter(([, ends]) => ends.every((e) => e === 'aborted'))
      .map(([id]) => id)
    expect(onlyAborted.length).toBeGreaterThan(0)
    for (const id of onlyAborted) expect(stored.has(id)).toBe(false)
  }, 60_000)
})
