// The worker path end to end, one source for both workers that can control a page: the kit's
// standalone pixstore-sw.js (test/worker/worker.e2e.test.ts) and an app's own worker that
// includes the kit's handler as a Workbox route (test/worker/composed.e2e.test.ts).
import type { BrowserContext, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { e2eSuite, expectNothingAtRest, gallery, workerCacheUrls, workerScript, type E2E } from './e2e'
import { UNTIL } from './hang'

const COUNT = 6

/** The worker e2e cases, against the `worker` that controls the fixture; returns their harness. */
export function workerE2eCases(worker: 'standalone' | 'composed'): { e2e: E2E } {
  const suite = e2eSuite('test/support/fixture', COUNT, { worker })

  const totalRequests = () => suite.e2e.totalRequests()

  const workerCacheSize = async (page: Page) => (await workerCacheUrls(page)).length

  async function freshPage(context?: BrowserContext, query = ''): Promise<Page> {
    const page = await (context ?? (await suite.e2e.browser.newContext())).newPage()
    await page.goto(`${suite.e2e.url}${query}`)
    return page
  }

  describe(`the service worker path (${worker}), in Chromium against the real pixstore backend`, () => {
    let context: BrowserContext
    let page: Page

    it('shows a first visit through object URLs while the worker registers, then hands the worker every image', async () => {
      context = await suite.e2e.browser.newContext()
      page = await freshPage(context)
      const sources = await gallery(page, COUNT)
      expect(sources.every((src) => src.startsWith('blob:'))).toBe(true)
      await page.waitForSelector('[data-status="ready"]')
      expect(new URL(await page.evaluate(() => navigator.serviceWorker.controller!.scriptURL)).pathname).toBe(
        workerScript({ worker }),
      )
      await expect.poll(() => workerCacheSize(page), UNTIL).toBe(COUNT)
      // The worker took them from the page: no image was fetched twice.
      expect(totalRequests()).toBe(COUNT)
    })

    it('renders after a reload with no backend request and no main-thread IndexedDB read', async () => {
      const before = totalRequests()
      await page.reload()
      const sources = await gallery(page, COUNT)
      expect(sources.every((src) => src.startsWith('/_img/'))).toBe(true)
      expect(totalRequests()).toBe(before)
      expect(await page.evaluate(() => (window as unknown as { __idbReads: number }).__idbReads)).toBe(0)
      const messages = await page.evaluate(
        () => (window as unknown as { __swMessages: string[] }).__swMessages,
      )
      // The page's bridge announcing itself and the gallery's records handed over in one
      // message: the worker asked nothing.
      // An app's own worker is asked once whether it holds the kit's handler.
      expect(messages.sort()).toEqual(
        worker === 'composed'
          ? ['pixstore:bridge-ready', 'posted pixstore:ping', 'posted pixstore:records']
          : ['pixstore:bridge-ready', 'posted pixstore:records'],
      )
    })

    it('holds no plaintext image bytes and no key bytes in Cache Storage or IndexedDB', async () => {
      expect(await expectNothingAtRest(suite.e2e, page)).toBeGreaterThanOrEqual(COUNT)
    })

    it('still renders after the worker is stopped, asking the page nothing: the keys come with the records handed over', async () => {
      const before = totalRequests()
      const cdp = await context.newCDPSession(page)
      await cdp.send('ServiceWorker.enable')
      await cdp.send('ServiceWorker.stopAllWorkers')
      await page.reload()
      // Right after a stop the reload may start uncontrolled; the worker then takes over.
      const sources = await gallery(page, COUNT, '/_img/')
      expect(sources).toHaveLength(COUNT)
      const messages = await page.evaluate(
        () => (window as unknown as { __swMessages: string[] }).__swMessages,
      )
      expect(messages.filter((m) => m.includes('-request '))).toEqual([])
      expect(totalRequests()).toBe(before)
    })

    it('answers 400 to bad ids and tokens and leaves other paths alone', async () => {
      const answers = await page.evaluate(async () => {
        const get = async (path: string) => {
          const response = await fetch(path)
          return [response.status, (await response.text()).slice(0, 17)]
        }
        return {
          traversal: await get('/_img/..%2Fsecret?t=1'),
          overlong: await get(`/_img/${'a'.repeat(300)}?t=1`),
          noToken: await get('/_img/abc'),
          badToken: await get('/_img/abc?t=-1'),
          outside: await get('/_imgs/abc?t=1'),
          appRoute: await get('/app-route'),
        }
      })
      expect(answers.traversal).toEqual([400, 'Bad image reques'.padEnd(17, 't')])
      expect(answers.overlong[0]).toBe(400)
      expect(answers.noToken[0]).toBe(400)
      expect(answers.badToken[0]).toBe(400)
      expect(answers.outside[1]).not.toMatch(/^(Bad image|Image unavailable)/)
      // In an app's own worker, its own routes still answer what the kit's does not match.
      if (worker === 'composed') expect(answers.appRoute).toEqual([200, 'answered by the a'])
    })

    it('shows a new token through a new URL and drops the old entry from the worker cache', async () => {
      const { backend, ids, samples } = await suite.e2e.backend.seeded()
      const id = ids[0]!
      const old = (await page.$$eval('img', (images) => images.map((img) => img.getAttribute('src')!)))[0]!
      const updated = await backend.update(id, samples[1]!.bytes)
      await page.reload()
      const sources = await gallery(page, COUNT)
      // The page hands the worker the record (`&r=1`); the worker keeps the version's own URL.
      expect(sources[0]).toBe(`/_img/${id}?t=${updated.token}&r=1`)
      expect(sources[0]).not.toBe(old)
      // The worker answers before its Cache Storage write lands, and then drops the old
      // version: wait for both.
      const versions = async () => {
        const urls = await workerCacheUrls(page)
        return {
          updated: urls.includes(`/_img/${id}?t=${updated.token}`),
          old: urls.includes(old.replace('&r=1', '')),
        }
      }
      await expect.poll(versions, UNTIL).toEqual({ updated: true, old: false })
    })

    it('empties Dexie, Cache Storage and the worker keys on clearImageCache()', async () => {
      await page.evaluate(() =>
        (window as unknown as { pixstore: { logout(): Promise<void> } }).pixstore.logout(),
      )
      const left = await page.evaluate(async () => {
        const entries = (await (await caches.open('pixstore-images-v1')).keys()).length
        const dexie = await new Promise<number>((resolve) => {
          const open = indexedDB.open('pixstore')
          open.onsuccess = () => {
            const request = open.result.transaction('images').objectStore('images').count()
            request.onsuccess = () => resolve(request.result)
          }
        })
        return { entries, dexie }
      })
      expect(left).toEqual({ entries: 0, dexie: 0 })
      await context.close()
    })
  })

  describe(`several tabs and a missing bridge (${worker})`, () => {
    it('fetches each image from the backend once with two tabs open', async () => {
      const context = await suite.e2e.browser.newContext()
      // A page that shows no image installs the worker; then two tabs open the gallery.
      const first = await context.newPage()
      await first.goto(`${suite.e2e.url}?count=0`)
      await first.waitForFunction(() => navigator.serviceWorker.controller !== null)
      suite.e2e.backend.requests.clear()
      const [a, b] = [await context.newPage(), await context.newPage()]
      await Promise.all([a.goto(suite.e2e.url), b.goto(suite.e2e.url)])
      await Promise.all([gallery(a, COUNT), gallery(b, COUNT)])
      const { ids } = await suite.e2e.backend.seeded()
      expect(ids.map((id) => suite.e2e.backend.requests.get(id) ?? 0)).toEqual(ids.map(() => 1))
      await context.close()
    })

    it('answers 504 within the timeout without a bridge, and SecureImage falls back to object URLs', async () => {
      const context = await suite.e2e.browser.newContext()
      const page = await freshPage(context, '?nobridge=1')
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
      const sources = await gallery(page, COUNT)
      expect(sources.every((src) => src.startsWith('blob:'))).toBe(true)
      const { status, ms } = await page.evaluate(async () => {
        const record = (window as unknown as { __records: Array<{ id: string; token: number }> })
          .__records[1]!
        const started = performance.now()
        const response = await fetch(`/_img/${record.id}?t=${record.token}`)
        return { status: response.status, ms: performance.now() - started }
      })
      expect(status).toBe(504)
      expect(ms).toBeGreaterThanOrEqual(1400)
      expect(ms).toBeLessThan(5000)
      await context.close()
    })

    it('prewarms Dexie and the worker cache with usePrefetchImages, so the gallery then needs no backend', async () => {
      const context = await suite.e2e.browser.newContext()
      const page = await freshPage(context, '?prefetch=1')
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
      await page.reload()
      await expect.poll(() => workerCacheSize(page), UNTIL).toBe(COUNT)
      const before = totalRequests()
      await page.goto(suite.e2e.url)
      const sources = await gallery(page, COUNT, '/_img/')
      expect(sources).toHaveLength(COUNT)
      expect(totalRequests()).toBe(before)
      expect(await page.evaluate(() => (window as unknown as { __idbReads: number }).__idbReads)).toBe(0)
      await context.close()
    })

    it('keeps its own entry limit in Cache Storage', async () => {
      const context = await suite.e2e.browser.newContext()
      const page = await freshPage(context, '?workerMax=3')
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
      await page.reload()
      await gallery(page, COUNT, '/_img/')
      await expect.poll(() => workerCacheSize(page)).toBe(3)
      await context.close()
    })

    it('drops from the worker cache what Dexie evicts, and loses nothing when Cache Storage is wiped', async () => {
      const context = await suite.e2e.browser.newContext()
      const page = await freshPage(context, '?dexieMax=4')
      const cachedIds = () =>
        page.evaluate(async () =>
          (await (await caches.open('pixstore-images-v1')).keys()).map(
            (r) => new URL(r.url).pathname.split('/')[2],
          ),
        )
      const dexieIds = () =>
        page.evaluate(
          () =>
            new Promise<string[]>((resolve) => {
              const open = indexedDB.open('pixstore')
              open.onsuccess = () => {
                const request = open.result.transaction('images').objectStore('images').getAllKeys()
                request.onsuccess = () => resolve(request.result as string[])
              }
            }),
        )
      // The first visit shows through object URLs; its writes and their evictions land before
      // the reload (an eviction still to run when a page unloads waits for the next write).
      await gallery(page, COUNT, 'blob:')
      await expect.poll(async () => (await dexieIds()).length).toBe(4)
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
      await page.reload()
      await gallery(page, COUNT, '/_img/')
      await expect.poll(async () => (await dexieIds()).length).toBe(4)
      await expect.poll(async () => (await cachedIds()).sort()).toEqual((await dexieIds()).sort())

      const before = totalRequests()
      await page.evaluate(() => caches.delete('pixstore-images-v1'))
      await page.reload()
      await gallery(page, COUNT, '/_img/')
      // The four Dexie still holds come from Dexie; the two it evicted are fetched again.
      expect(totalRequests() - before).toBe(2)
      await context.close()
    })
  })

  describe(`an image opened as a page (${worker})`, () => {
    it.each([
      ['worker', '/_img/', 'ran nowhere', ''],
      ['object URL', 'data:', 'ran in an origin of its own', 'ran in null'],
    ])(
      "runs no script of an SVG in the app's origin on the %s path (%s): it %s",
      async (path, prefix, _outcome, title) => {
        const context = await suite.e2e.browser.newContext()
        const page = await context.newPage()
        await page.goto(`${suite.e2e.url}?svg${path === 'worker' ? '' : '&nosw'}`)
        if (path === 'worker') {
          await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
          await page.reload()
        }
        const [src] = await gallery(page, 1, prefix)
        // In a tab of its own, as "Open image in new tab" opens it.
        const tab = await context.newPage()
        const opened = await tab.goto(new URL(src!, suite.e2e.url).href)
        expect(await tab.evaluate(() => document.documentElement.localName)).toBe('svg')
        if (path === 'worker') {
          expect(opened!.headers()).toMatchObject({
            'x-content-type-options': 'nosniff',
            'content-security-policy': expect.stringMatching(/^sandbox;/),
          })
        }
        expect(await tab.title()).toBe(title)
        expect(await page.evaluate(() => localStorage.getItem('svg-ran'))).toBeNull()
        await context.close()
      },
    )
  })
  return suite
}
