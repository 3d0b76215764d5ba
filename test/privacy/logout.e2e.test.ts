// A logout is final, in every engine against the real pixstore 3 backend: with images still
// mounted, with loads in flight on both paths, in two tabs, and however late the backend
// answers. Each check runs after the backend has answered every request it got and a new
// image mounted after the logout has loaded through the same path (everything the late
// answers could cause has had its turn by then).
import { describe, expect, it } from 'vitest'
import type { ImageRecord } from '../../src/core/index.ts'
import { e2eSuite, expectNothingAtRest, galleryLoaded, storedIds } from '../support/e2e.ts'
import {
  ENGINE_NAMES,
  engineSuite,
  playwrightContext,
  type EngineContext,
  type EnginePage,
} from '../support/engines.ts'
import { UNTIL } from '../support/hang'

const COUNT = 8
const suite = e2eSuite('test/support/fixture', COUNT)

type Fixture = Window & {
  pixstore: { logout(): Promise<void>; clear(): Promise<void>; show(index: number): void }
  __records: ImageRecord[]
  __liveUrls: () => string[]
  __swMessages: string[]
}

const paths = [
  { name: 'worker', query: '', prefix: '/_img/' },
  { name: 'object URL', query: 'nosw', prefix: 'blob:' },
] as const

/**
 * Mounts the preview of record `index` (an image not shown before) and waits until it is
 * decoded and its writes have landed: the Dexie row and, on the worker path, the worker's
 * Cache Storage entry (both are written after the image is answered, in either order).
 */
async function showSentinel(page: EnginePage, index: number, prefix: string): Promise<string> {
  await page.evaluate((i) => (window as unknown as Fixture).pixstore.show(i), index)
  await page.waitFor((prefix) => {
    const img = document.querySelector<HTMLImageElement>('img[data-added]')
    return Boolean(img?.complete && img.naturalWidth > 0 && img.getAttribute('src')!.startsWith(prefix))
  }, prefix)
  const src = await page.evaluate(() => document.querySelector('img[data-added]')!.getAttribute('src')!)
  const id = (await suite.e2e.backend.seeded()).previewIds[index]
  await expect.poll(async () => (await storedIds(page)).dexie, UNTIL).toContain(id)
  if (src.startsWith('/_img/'))
    await expect.poll(async () => (await storedIds(page)).cached, UNTIL).toContain(src.split('?')[0])
  return src
}

/** Statuses of the worker URLs of every gallery record, as a page that still knows them asks. */
const oldUrlStatuses = (page: EnginePage) =>
  page.evaluate(async () =>
    Promise.all(
      (window as unknown as Fixture).__records.map(
        async (r) => (await fetch(`/_img/${r.id}?t=${r.token}`, { cache: 'no-store' })).status,
      ),
    ),
  )

/** A new tab on the fixture with `query`, once its document is parsed (its images may be loading). */
async function open(context: EngineContext, query: string): Promise<EnginePage> {
  const page = await context.newPage()
  await page.goto(`${suite.e2e.url}?${query}`, 'parsed')
  return page
}

describe.each(ENGINE_NAMES)('in %s', (engine) => {
  const browser = engineSuite(engine)

  /** A context whose worker is installed and controls its pages (a page with no image installs it). */
  async function workerContext(): Promise<EngineContext> {
    const context = await browser.open()
    const page = await open(context, 'count=0')
    await page.waitFor(() => navigator.serviceWorker.controller !== null)
    return context
  }

  describe.each(paths)('a logout leaves nothing behind ($name path)', (path) => {
    it("with the images still mounted, in the README's order", async () => {
      const context = path.query ? await browser.open() : await workerContext()
      const page = await open(context, path.query)
      await galleryLoaded(page, COUNT, path.prefix)
      const { previewIds } = await suite.e2e.backend.seeded()
      // `await clearImageCache(); logout()`: the images are mounted while the clear runs.
      await page.evaluate(() => (window as unknown as Fixture).pixstore.logout())
      const sentinel = await showSentinel(page, 0, path.prefix)
      const left = await storedIds(page)
      expect(left.dexie).toEqual([previewIds[0]])
      expect(left.cached).toEqual(path.query ? [] : [`/_img/${previewIds[0]}`])
      expect(left.databases).toEqual(['pixstore'])
      expect(await page.evaluate(() => (window as unknown as Fixture).__liveUrls())).toEqual(
        path.query ? [sentinel] : [],
      )
      if (!path.query) expect(new Set(await oldUrlStatuses(page))).toEqual(new Set([504]))
      await expectNothingAtRest(suite.e2e, page)
    })

    it('during loads in flight, in two tabs, however late the backend answers', async () => {
      const context = path.query ? await browser.open() : await workerContext()
      // Every answer waits until the logout has happened. Two requests per tab at once, so the
      // held ones leave the browser's connections (six per host) for the pages themselves.
      const release = suite.e2e.backend.hold()
      const query = `${path.query}&fetches=2`
      try {
        const received = suite.e2e.totalRequests()
        const [first, second] = [await open(context, query), await open(context, query)]
        // Both tabs show their loading gallery and the backend is answering: log out in the first.
        for (const tab of [first, second])
          await tab.waitFor((count) => document.querySelectorAll('img').length === count, COUNT)
        await expect.poll(() => suite.e2e.backend.pending(), UNTIL).toBeGreaterThanOrEqual(2)
        await first.evaluate(() => (window as unknown as Fixture).pixstore.clear())
        expect(await storedIds(first)).toMatchObject({ cached: [], dexie: [] })
        // Every request the backend got is answered, late.
        release()
        await expect.poll(() => suite.e2e.backend.pending(), UNTIL).toBe(0)
        expect(suite.e2e.totalRequests()).toBeGreaterThan(received)
        const { previewIds } = await suite.e2e.backend.seeded()
        const sentinels = [
          await showSentinel(first, 1, path.prefix),
          await showSentinel(second, 2, path.prefix),
        ]
        // Whatever the gallery asked for since has been answered: an image that fetched itself
        // back would show by now.
        await expect.poll(() => suite.e2e.backend.pending(), UNTIL).toBe(0)
        for (const tab of [first, second]) {
          const left = await storedIds(tab)
          expect(left.dexie).toEqual([previewIds[1], previewIds[2]].sort())
          expect(left.cached).toEqual(
            path.query ? [] : [`/_img/${previewIds[1]}`, `/_img/${previewIds[2]}`].sort(),
          )
          expect(left.databases).toEqual(['pixstore'])
          // The gallery shows no image: each holds its placeholder.
          expect(
            await tab.evaluate(() => document.querySelectorAll('img[src]:not([data-added])').length),
          ).toBe(0)
          const live = await tab.evaluate(() => (window as unknown as Fixture).__liveUrls())
          expect(live.every((url) => sentinels.includes(url))).toBe(true)
        }
        if (!path.query) expect(new Set(await oldUrlStatuses(second))).toEqual(new Set([504]))
        await expectNothingAtRest(suite.e2e, second)
      } finally {
        release()
      }
    })
  })

  describe('a logout stops a prefetch', () => {
    it('in flight: nothing it fetched is cached, and it does not start again', async () => {
      const context = await browser.open()
      const release = suite.e2e.backend.hold()
      try {
        const received = suite.e2e.totalRequests()
        const tab = await open(context, 'prefetch&nosw&fetches=2')
        await expect.poll(() => suite.e2e.backend.pending(), UNTIL).toBeGreaterThanOrEqual(2)
        await tab.evaluate(() => (window as unknown as Fixture).pixstore.clear())
        release()
        await expect.poll(() => suite.e2e.backend.pending(), UNTIL).toBe(0)
        const fetched = suite.e2e.totalRequests() - received
        const { previewIds } = await suite.e2e.backend.seeded()
        await showSentinel(tab, 4, 'blob:')
        expect((await storedIds(tab)).dexie).toEqual([previewIds[4]])
        // Only the requests in flight at the logout, and the sentinel's, reached the backend.
        expect(suite.e2e.totalRequests() - received).toBe(fetched + 1)
        expect(fetched).toBeLessThanOrEqual(2)
      } finally {
        release()
      }
    })
  })

  it('tabs opened together prefetch each image from the backend once', async () => {
    const context = await browser.open()
    suite.e2e.backend.requests.clear()
    suite.e2e.throttle(1000)
    try {
      const tabs = await Promise.all([1, 2, 3].map(() => open(context, 'prefetch&nosw')))
      // Every tab's prefetch has finished once the cache holds every image and the backend
      // has answered every request it got.
      await expect.poll(async () => (await storedIds(tabs[0]!)).dexie.length, UNTIL).toBe(COUNT)
      await expect.poll(() => suite.e2e.backend.pending(), UNTIL).toBe(0)
      for (const tab of tabs)
        await tab.waitFor(() => document.body.textContent?.includes('prefetching') === true)
      const { ids } = await suite.e2e.backend.seeded()
      expect(ids.map((id) => suite.e2e.backend.requests.get(id) ?? 0)).toEqual(ids.map(() => 1))
    } finally {
      suite.e2e.throttle(0)
    }
  })
})

// Chromium only: the worker's script is held through playwright's routing.
describe('a logout on a first visit', () => {
  it('while the images shown are handed to the worker, in two tabs: nothing of them is kept', async () => {
    const context = await suite.e2e.browser.newContext()
    // The worker's script is held until both galleries have shown through object URLs.
    let startWorker = () => undefined as void
    const workerHeld = new Promise<void>((resolve) => (startWorker = resolve))
    await context.route('**/pixstore-sw.js*', async (route) => {
      await workerHeld
      await route.continue()
    })
    try {
      const engineContext = playwrightContext(context)
      const tabs = [await open(engineContext, ''), await open(engineContext, '')] as const
      for (const tab of tabs) await galleryLoaded(tab, COUNT, 'blob:')
      startWorker()
      // The hand-over has begun: the records went to the worker, which loads them itself.
      await tabs[0].waitFor(() =>
        (window as unknown as Fixture).__swMessages.some((message) =>
          message.startsWith('posted pixstore:records'),
        ),
      )
      await tabs[0].evaluate(() => (window as unknown as Fixture).pixstore.clear())
      const { previewIds } = await suite.e2e.backend.seeded()
      await showSentinel(tabs[0], 3, '/_img/')
      await showSentinel(tabs[1], 5, '/_img/')
      for (const tab of tabs) {
        const left = await storedIds(tab)
        expect(left.dexie).toEqual([previewIds[3], previewIds[5]].sort())
        expect(left.cached).toEqual([`/_img/${previewIds[3]}`, `/_img/${previewIds[5]}`].sort())
        // The object URLs the first visit showed are revoked in both tabs, and none is shown.
        expect(await tab.evaluate(() => (window as unknown as Fixture).__liveUrls())).toEqual([])
        expect(await tab.evaluate(() => document.querySelectorAll('img[src]:not([data-added])').length)).toBe(
          0,
        )
      }
      expect(new Set(await oldUrlStatuses(tabs[1]))).toEqual(new Set([504]))
      await expectNothingAtRest(suite.e2e, tabs[1])
    } finally {
      startWorker()
      await context.close()
    }
  })
})
