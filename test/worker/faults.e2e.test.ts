// Faults across tabs and the worker, in Chromium against the real pixstore 3
// backend: the worker stopped mid-request, and a logout with three tabs open.
import type { BrowserContext, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { e2eSuite, expectNothingAtRest, gallery } from '../support/e2e'
import { UNTIL } from '../support/hang'

const COUNT = 8
const suite = e2eSuite('test/support/fixture', COUNT)

const totalRequests = () => suite.e2e.totalRequests()

async function controlledPage(context: BrowserContext, query = ''): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${suite.e2e.url}${query}`)
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
  return page
}

const logout = (page: Page) =>
  page.evaluate(() => (window as unknown as { pixstore: { logout(): Promise<void> } }).pixstore.logout())

/** Ids in Dexie and in the worker's Cache Storage. */
const stored = (page: Page) =>
  page.evaluate(async () => {
    const cached = (await caches.has('pixstore-images-v1'))
      ? (await (await caches.open('pixstore-images-v1')).keys()).length
      : 0
    const dexie = await new Promise<string[]>((resolve) => {
      const open = indexedDB.open('pixstore')
      open.onsuccess = () => {
        const request = open.result.transaction('images').objectStore('images').getAllKeys()
        request.onsuccess = () => (open.result.close(), resolve(request.result as string[]))
      }
    })
    return { cached, dexie }
  })

const nothingAtRest = (page: Page) => expectNothingAtRest(suite.e2e, page)

describe('faults across tabs and the worker', () => {
  it('keeps displaying when the worker is stopped in the middle of answering', async () => {
    const context = await suite.e2e.browser.newContext()
    const page = await controlledPage(context)
    await gallery(page, COUNT)
    await logout(page)
    suite.e2e.throttle(1500)
    const before = totalRequests()
    const cdp = await context.newCDPSession(page)
    await cdp.send('ServiceWorker.enable')
    await page.reload({ waitUntil: 'commit' })
    // The worker has asked the page and the page is fetching: stop the worker now.
    await expect.poll(() => totalRequests() - before, UNTIL).toBeGreaterThan(0)
    await cdp.send('ServiceWorker.stopAllWorkers')
    suite.e2e.throttle(0)
    const sources = await gallery(page, COUNT)
    expect(sources).toHaveLength(COUNT)
    await nothingAtRest(page)
    await context.close()
  })

  it('logs out of three tabs at once: nothing stays reachable, and the others load again only when reloaded', async () => {
    const context = await suite.e2e.browser.newContext()
    suite.e2e.backend.requests.clear()
    const first = await controlledPage(context)
    const [second, third] = [await context.newPage(), await context.newPage()]
    await Promise.all([second.goto(suite.e2e.url), third.goto(suite.e2e.url)])
    await Promise.all([gallery(first, COUNT), gallery(second, COUNT), gallery(third, COUNT)])
    const { ids } = await suite.e2e.backend.seeded()
    expect(ids.map((id) => suite.e2e.backend.requests.get(id))).toEqual(ids.map(() => 1))

    await logout(first)
    for (const tab of [second, third]) {
      await tab.waitForFunction(() =>
        [...document.querySelectorAll('img')].every((img) => !img.hasAttribute('src')),
      )
      expect(
        await tab.evaluate(() => (window as unknown as { __liveUrls: () => string[] }).__liveUrls()),
      ).toEqual([])
    }
    expect(await stored(second)).toEqual({ cached: 0, dexie: [] })
    // Not from the worker either: it holds no key and no page knows the record any more.
    const status = await second.evaluate(async () => {
      const record = (window as unknown as { __records: Array<{ id: string; token: number }> }).__records[0]!
      return (await fetch(`/_img/${record.id}?t=${record.token}&probe=1`)).status
    })
    expect(status).toBe(504)
    await nothingAtRest(second)
    expect(totalRequests()).toBe(COUNT)

    // Viewed again, the tabs still hold their placeholders; reloaded, the second loads anew
    // (a new page view, as after a new login) and the third still holds.
    await second.evaluate(() => window.dispatchEvent(new Event('visibilitychange')))
    await second.reload()
    const sources = await gallery(second, COUNT, '/_img/')
    expect(sources).toHaveLength(COUNT)
    expect(totalRequests()).toBe(COUNT * 2)
    expect(ids.every((id) => suite.e2e.backend.requests.get(id) === 2)).toBe(true)
    expect(await third.evaluate(() => document.querySelectorAll('img[src]').length)).toBe(0)
    await context.close()
  })
})
