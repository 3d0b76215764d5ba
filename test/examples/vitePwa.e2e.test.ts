import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { build, preview, type PreviewServer } from 'vite'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../dev/chromium.ts'
import { freePort } from '../../dev/freePort.ts'
import { pixstoreDevServer } from '../../dev/pixstoreDevServer.ts'
import { expectNothingAtRest, gallery, workerCacheUrls } from '../support/e2e'
import { UNTIL } from '../support/hang'

// The Vite PWA example (examples/vite-pwa), built as a user builds it (vite-plugin-pwa,
// injectManifest: the app's own worker precaches its shell and includes the kit's route) and
// served by `vite preview` with the real pixstore backend. Offline, a reload shows every image
// seen before from the worker, and nothing reaches the server; a logout, still offline,
// leaves nothing.
const app = resolve(import.meta.dirname, '../../examples/vite-pwa')
const COUNT = 8
const backend = pixstoreDevServer({ count: COUNT, proxy: true })
/** Every request the server received, page and worker alike. */
const requests: string[] = []
let server: PreviewServer
let browser: Browser
let context: BrowserContext
let page: Page
let origin: string

beforeAll(async () => {
  const outDir = await mkdtemp(join(tmpdir(), 'pixstore-pwa-'))
  await build({
    root: app,
    configFile: resolve(app, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  })
  const port = await freePort()
  server = await preview({
    configFile: false,
    root: app,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: true },
    plugins: [
      {
        name: 'count-requests',
        configurePreviewServer: (preview) =>
          void preview.middlewares.use((req, _res, next) => {
            requests.push(req.url ?? '')
            next()
          }),
      },
      backend,
    ],
  })
  await backend.seeded()
  origin = `http://127.0.0.1:${port}`
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  context = await browser.newContext()
  page = await context.newPage()
})

afterAll(async () => {
  await browser?.close()
  await new Promise((done) => server?.httpServer.close(done))
})

it("shows the gallery, and the app's own worker takes its images", async () => {
  await page.goto(origin)
  await gallery(page, COUNT)
  await page.waitForSelector('[data-status="ready"]', UNTIL)
  expect(new URL(await page.evaluate(() => navigator.serviceWorker.controller!.scriptURL)).pathname).toBe(
    '/sw.js',
  )
  // The first visit's images are handed to the worker, which keeps them encrypted.
  await expect.poll(async () => (await workerCacheUrls(page)).length, UNTIL).toBe(COUNT)
  const { ids } = await backend.seeded()
  expect(ids.map((id) => backend.requests.get(id) ?? 0)).toEqual(ids.map(() => 1))
})

it('offline, a reload shows every image seen before from the worker, and no request reaches the server', async () => {
  const before = requests.length
  await context.setOffline(true)
  await page.reload()
  const sources = await gallery(page, COUNT, '/_img/')
  expect(sources).toHaveLength(COUNT)
  expect(requests.slice(before)).toEqual([])
})

it('offline, a logout leaves nothing: no worker entry or key, no Dexie entry, no secret at rest', async () => {
  const [first] = await page.$$eval('img', (images) => images.map((img) => img.getAttribute('src')!))
  await page.click('text=Log out')
  await page.waitForFunction(() => document.querySelectorAll('img').length === 0)
  expect(await workerCacheUrls(page)).toEqual([])
  const dexie = await page.evaluate(
    () =>
      new Promise<number>((done) => {
        const open = indexedDB.open('pixstore')
        open.onsuccess = () => {
          const count = open.result.transaction('images').objectStore('images').count()
          count.onsuccess = () => done(count.result)
        }
      }),
  )
  expect(dexie).toBe(0)
  // The worker holds no key or image of the session: an image URL of it is not answered.
  const status = await page.evaluate(async (src) => (await fetch(src.replace('&r=1', ''))).status, first!)
  expect(status).not.toBe(200)
  await expectNothingAtRest({ backend }, page)
  // The shell still opens offline; it has no image to show.
  await page.reload()
  await page.waitForSelector('text=Log out')
  expect(await page.$$('img')).toHaveLength(0)
  expect(requests.filter((url) => url.startsWith('/pixstore-image/'))).toHaveLength(COUNT)
})
