// Progressive display in Chromium: preview first, full images when wanted, visible images
// first with few requests in flight, download progress.
import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react'
import { createRef, type RefObject } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import { page } from 'vitest/browser'
import { SecureImage, useImage, type ImageRecord } from '../../src'
import { PixstoreDatabase, type ImageFetcher } from '../../src/core/internal'
import { createMemoryBackend } from '../../src/testing'
import { makeImage } from '../support/images'
import { HANG } from '../support/hang'
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
    await waitFor(() => expect(img.naturalWidth).toBe(64))
    expect(screen.getByAltText('Scan')).toBe(img)
    expect(img.dataset.preview).toBeUndefined()
    expect(img.hasAttribute('aria-busy')).toBe(false)
    // No layout shift: the box never moved or resized.
    expect(img.getBoundingClientRect().toJSON()).toEqual(box.toJSON())
  })

  it('with loadFull="manual" fetches the full image only when load() is called', async () => {
    const { h, thumb, full } = await previewPair(0)
    const sentinel = (await h.save(3, 8)).record
    const loadRef = createRef<() => void>() as RefObject<() => void>
    const view = (extra?: ImageRecord) => (
      <>
        <SecureImage record={full} preview={thumb} loadFull="manual" loadRef={loadRef} alt="Manual" />
        {extra && <SecureImage record={extra} alt="Sentinel" />}
      </>
    )
    const { rerender } = render(view(), { wrapper: h.wrapper })
    const img = (await screen.findByAltText('Manual')) as HTMLImageElement
    await waitFor(() => expect(img.dataset.preview).toBe('true'))
    // An eager image mounted later is fetched; the manual one, mounted first, still is not.
    rerender(view(sentinel))
    await waitFor(() => expect(h.fetches).toContain(sentinel.id))
    expect(h.fetches).toEqual([thumb.id, sentinel.id])
    act(() => loadRef.current())
    await waitFor(() => expect(img.naturalWidth).toBe(64))
    expect(h.fetches).toEqual([thumb.id, sentinel.id, full.id])
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

  /** A wall of `visible` images; with `held`, every answer waits for `release()` (or an abort). */
  async function wall(latency: number, held = false) {
    await page.viewport(1200, 800)
    const backend = createMemoryBackend({ latency })
    let release = () => undefined as void
    const gate = held ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve()
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
            await new Promise<void>((resolve, reject) => {
              void gate.then(resolve)
              signal.addEventListener('abort', () => reject(signal.reason), { once: true })
            })
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
    return { records, events, outcomes, scroller, inFlight, dbName: h.dbName, release }
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

  const fetchedIds = (events: string[]) => events.filter((e) => e.startsWith('fetch ')).map((e) => e.slice(6))

  it(
    'decodes every image of the first screen before fetching any other, six at a time',
    async () => {
      const { records, events, scroller, inFlight } = await wall(20)
      const firstScreen = onScreen(records, scroller.current!)
      expect(firstScreen.size).toBeGreaterThanOrEqual(48)
      await waitFor(
        () => expect(events.filter((e) => e.startsWith('decoded')).length).toBe(firstScreen.size),
        {
          timeout: HANG,
        },
      )
      // The next screen, shown now, is fetched; nothing of it or beyond came before.
      scroller.current!.scrollTop = 800
      const nextScreen = onScreen(records, scroller.current!)
      await waitFor(() => expect(fetchedIds(events).some((id) => nextScreen.has(id))).toBe(true), {
        timeout: HANG,
      })
      const firstOther = events.findIndex((e) => e.startsWith('fetch ') && !firstScreen.has(e.slice(6)))
      expect(events.slice(0, firstOther).filter((e) => e.startsWith('decoded'))).toHaveLength(
        firstScreen.size,
      )
      expect(new Set(fetchedIds(events.slice(0, firstOther)))).toEqual(firstScreen)
      expect(fetchedIds(events).every((id) => firstScreen.has(id) || nextScreen.has(id))).toBe(true)
      expect(inFlight.peak).toBe(6)
    },
    4 * HANG,
  )

  it(
    'cancels what scrolls away: queued loads never start, started ones are cut and leave no entry',
    async () => {
      // Every answer is held: what starts is in flight until the screen moves on.
      const { records, events, outcomes, scroller, dbName, release } = await wall(0, true)
      const firstScreen = onScreen(records, scroller.current!)
      const started = (screenIds: Set<string>) => fetchedIds(events).filter((id) => screenIds.has(id)).length
      await waitFor(() => expect(started(firstScreen)).toBe(6), { timeout: HANG })
      // A screen further down: the first screen's fetches are cut, six of its own start.
      scroller.current!.scrollTop = 2400
      const passed = onScreen(records, scroller.current!)
      await waitFor(() => expect(started(passed)).toBe(6), { timeout: HANG })
      // Further still: the same happens to that screen.
      scroller.current!.scrollTop = 6400
      const beyond = onScreen(records, scroller.current!)
      await waitFor(() => expect(started(beyond)).toBe(6), { timeout: HANG })
      // Back at the top; once the last screen's fetches are cut, answers flow again.
      scroller.current!.scrollTop = 0
      const cutOff = (screenIds: Set<string>) =>
        fetchedIds(events)
          .filter((id) => screenIds.has(id))
          .every((id) => outcomes.get(id)?.[0] === 'aborted')
      await waitFor(() => expect(cutOff(beyond)).toBe(true), { timeout: HANG })
      release()
      // Every image of the first screen shows; the message names those that do not, and how
      // (still loading, or broken: loaded with no pixels).
      await waitFor(
        () => {
          const unshown = [...firstScreen].flatMap((id) => {
            const img = screen.getByAltText(id) as HTMLImageElement
            if (img.complete && img.naturalWidth > 0) return []
            return [`${id} ${img.complete ? 'broken' : 'loading'} ${img.getAttribute('src') ?? 'no src'}`]
          })
          expect(unshown).toEqual([])
        },
        { timeout: HANG },
      )
      // Of the screen scrolled past, only the six that had a slot ever reached the backend...
      expect(passed.size).toBeGreaterThanOrEqual(48)
      expect(started(passed)).toBe(6)
      // ...and those were cut mid-flight and left no entry behind.
      const cut = fetchedIds(events).filter((id) => passed.has(id))
      for (const id of cut) expect(outcomes.get(id)).toEqual(['aborted'])
      const db = new PixstoreDatabase(dbName)
      const stored = new Set((await db.images.toArray()).map((row) => row.id))
      db.close()
      for (const id of [...passed, ...beyond]) expect(stored.has(id)).toBe(false)
    },
    6 * HANG,
  )
})
