// The worker path end to end with an app's own service worker that includes the kit's handler
// as a Workbox route (test/support/fixture/appWorker.ts), the page using it with
// `serviceWorker={{ register: false }}`: the same cases as the standalone worker's, and what
// happens when the app's worker leaves the kit's handler out.
import { expect, it } from 'vitest'
import { gallery } from '../support/e2e'
import { UNTIL } from '../support/hang'
import { workerE2eCases } from '../support/workerE2eCases'

const suite = workerE2eCases('composed')

it("reports failed and shows object URLs when the app's worker leaves the kit's handler out", async () => {
  const { e2e } = suite
  const context = await e2e.browser.newContext()
  const page = await context.newPage()
  // The first visit installs the worker; the next is controlled by it from the start.
  await page.goto(`${e2e.url}?withoutKit&readyTimeout=2000`)
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, UNTIL)
  await page.reload()
  expect(new URL(await page.evaluate(() => navigator.serviceWorker.controller!.scriptURL)).pathname).toBe(
    '/plain-sw.js',
  )
  // Unanswered, its PING turns the status failed; images its page asked at /_img/ fall back.
  await page.waitForSelector('[data-status="failed"]', UNTIL)
  expect(await gallery(page, 6, 'blob:')).toHaveLength(6)
  await context.close()
})
