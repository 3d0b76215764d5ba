import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { e2eSuite, gallery } from '../support/e2e'
import { UNTIL } from '../support/hang'

// A running app that goes offline, with no PWA shell: the images it has seen show again when
// a gallery mounts anew, on both paths; one never seen fails with a typed `network` error and
// loads once the network returns (the query is fetched again on reconnect).
const COUNT = 4
const suite = e2eSuite('test/support/fixture', COUNT)

type Fixture = Window & { pixstore: { show(index: number): void; hide(): void; unhide(): void } }

const call = (page: Page, name: 'hide' | 'unhide') =>
  page.evaluate((name) => (window as unknown as Fixture).pixstore[name](), name)

describe('offline, in a running app', () => {
  it.each([
    ['worker', '', '/_img/'],
    ['object URL', '?nosw', 'blob:'],
  ])(
    'on the %s path, shows every image seen before when a gallery mounts again, and an image never seen once the network returns',
    async (_path, query, prefix) => {
      const context = await suite.e2e.browser.newContext()
      const page = await context.newPage()
      await page.goto(`${suite.e2e.url}${query}`)
      if (prefix === '/_img/') {
        // A later visit, once the worker holds the first one's images.
        await page.waitForSelector('[data-status="ready"]', UNTIL)
        await page.reload()
      }
      await gallery(page, COUNT, prefix)
      const before = suite.e2e.totalRequests()

      await context.setOffline(true)
      await call(page, 'hide')
      await page.waitForFunction(() => document.querySelectorAll('img').length === 0)
      await call(page, 'unhide')
      expect(await gallery(page, COUNT, prefix)).toHaveLength(COUNT)
      expect(await page.$$('[data-error]')).toEqual([])

      await page.evaluate(() => (window as unknown as Fixture).pixstore.show(0))
      await page.waitForSelector('[data-error="network"]', UNTIL)
      expect(suite.e2e.totalRequests()).toBe(before)

      await context.setOffline(false)
      await page.waitForFunction(
        () => {
          const added = document.querySelector<HTMLImageElement>('img[alt="added"]')
          return added !== null && added.complete && added.naturalWidth > 0
        },
        undefined,
        UNTIL,
      )
      expect(await page.$$('[data-error]')).toEqual([])
      await context.close()
    },
  )
})
