import type { Page } from 'playwright-core'
import { expect, it } from 'vitest'
import { e2eSuite, gallery } from '../support/e2e'

// The panel's numbers against what the backend saw, through the real worker: a first visit
// (object URLs while the worker registers; then the worker takes each image from the page's
// Dexie), a reload (the worker's memory answers) and a reload after the worker was stopped
// (its Cache Storage answers, with the keys asked of the page).
const COUNT = 6
const suite = e2eSuite('test/support/fixture', COUNT)

/** The answers per layer the panel shows, and its hit rate. */
async function panel(page: Page) {
  const answers = (source: string) =>
    page.locator(`[data-testid="source-${source}"] td:nth-child(2)`).textContent().then(Number)
  return {
    'worker-memory': await answers('worker-memory'),
    'cache-storage': await answers('cache-storage'),
    dexie: await answers('dexie'),
    network: await answers('network'),
    hitRate: await page.getByTestId('hit-rate').textContent(),
  }
}

it('shows per layer what answered each image, matching the backend, visit after visit', async () => {
  const context = await suite.e2e.browser.newContext()
  const page = await context.newPage()
  await page.goto(`${suite.e2e.url}?devtools`)
  await gallery(page, COUNT, 'blob:')
  const fetched = suite.e2e.totalRequests()
  expect(fetched).toBe(COUNT)
  await expect
    .poll(() => panel(page), { timeout: 15_000 })
    .toEqual({ 'worker-memory': 0, 'cache-storage': 0, dexie: COUNT, network: fetched, hitRate: '50 %' })

  await page.reload()
  await gallery(page, COUNT, '/_img/')
  await expect
    .poll(() => panel(page))
    .toEqual({ 'worker-memory': COUNT, 'cache-storage': 0, dexie: 0, network: 0, hitRate: '100 %' })

  const cdp = await context.newCDPSession(page)
  await cdp.send('ServiceWorker.enable')
  await cdp.send('ServiceWorker.stopAllWorkers')
  await page.reload()
  await gallery(page, COUNT, '/_img/')
  await expect
    .poll(() => panel(page))
    .toEqual({ 'worker-memory': 0, 'cache-storage': COUNT, dexie: 0, network: 0, hitRate: '100 %' })
  expect(suite.e2e.totalRequests()).toBe(fetched)
  await context.close()
})
