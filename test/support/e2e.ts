// End-to-end harness: a Vite server in this process serving a fixture page, the worker
// through the project's own plugin and the real pixstore backend behind a counting proxy,
// plus Chromium driven by playwright-core.
import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect } from 'vitest'
import { build, createServer, type ViteDevServer } from 'vite'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../dev/chromium.ts'
import { pixstoreDevServer, type PixstoreDevServer } from '../../dev/pixstoreDevServer.ts'
import type { ImageRecord } from '../../src/core/index.ts'
import { SW_CACHE_NAME } from '../../src/protocol/index.ts'
import { pixstoreWorker } from '../../src/vite/index.ts'
import type { EnginePage } from './engines.ts'
import { findSecrets, keyForms, plaintextRuns } from './secretForms.ts'
import { UNTIL } from './hang'

const root = resolve(import.meta.dirname, '../..')
const workerFile = resolve(root, 'dist/pixstore-sw.js')

export interface E2E {
  url: string
  backend: PixstoreDevServer
  server: ViteDevServer
  browser: Browser
  /** Backend requests so far, all images together. */
  totalRequests(): number
  /** Delays every backend answer by `latency` ms from now on. */
  throttle(latency: number): void
  close(): Promise<void>
}

/** Options of the harness. */
export interface E2EOptions {
  /** Passed to the dev backend: `false` sends pixstore 3's own headers (no `Cache-Control`). @default true */
  noStore?: boolean
  /**
   * The worker that controls the fixture: the kit's standalone `pixstore-sw.js`, or an app's own
   * (`test/support/fixture/appWorker.ts`, served at `/app-sw.js`) that includes the kit's
   * handler as a Workbox route, the page then using `serviceWorker={{ register: false }}`.
   * @default 'standalone'
   */
  worker?: 'standalone' | 'composed'
}

/** The script URL of the worker `options` name. */
export const workerScript = (options: E2EOptions) =>
  options.worker === 'composed' ? '/app-sw.js' : '/pixstore-sw.js'

/** The app's own worker of the fixture, bundled as its bundler would (Workbox and the kit inside). */
async function buildAppWorker(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'pixstore-app-sw-'))
  await build({
    configFile: false,
    logLevel: 'warn',
    // As an app's bundler builds its worker: Workbox reads NODE_ENV.
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir,
      minify: false,
      lib: {
        entry: resolve(root, 'test/support/fixture/appWorker.ts'),
        formats: ['iife'],
        name: 'appWorker',
        fileName: () => 'app-sw.js',
      },
    },
  })
  return join(outDir, 'app-sw.js')
}

export async function startE2E(fixture: string, count: number, options: E2EOptions = {}): Promise<E2E> {
  if (!existsSync(workerFile))
    await build({ configFile: resolve(root, 'vite.sw.config.ts'), logLevel: 'warn' })
  const composed = options.worker === 'composed'
  const served = composed
    ? [
        pixstoreWorker({ workerFile: await buildAppWorker(), path: workerScript(options) }),
        // An app's worker without the kit, for the page that registers it (`?withoutKit`).
        pixstoreWorker({
          workerFile: resolve(root, 'test/support/fixture/plainWorker.js'),
          path: '/plain-sw.js',
        }),
      ]
    : [pixstoreWorker({ workerFile })]
  const backend = pixstoreDevServer({ count, proxy: true, noStore: options.noStore })
  const server = await createServer({
    configFile: false,
    root: resolve(root, fixture),
    // One dependency cache per test worker: servers of two workers sharing one would each
    // rewrite the bundles the other's pages are loading.
    cacheDir: resolve(root, 'node_modules/.vite-e2e', process.env.VITEST_POOL_ID ?? 'main'),
    logLevel: 'warn',
    define: { __APP_WORKER__: JSON.stringify(composed) },
    plugins: [react(), ...served, backend],
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
  })
  await server.listen()
  await backend.seeded()
  const address = server.httpServer!.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  })
  return {
    url: `http://127.0.0.1:${port}/`,
    backend,
    server,
    browser,
    totalRequests: () => [...backend.requests.values()].reduce((a, b) => a + b, 0),
    throttle: (latency) => void (backend.throttle.latency = latency),
    async close() {
      await browser.close()
      await server.close()
    },
  }
}

/** A tab that runs a function in its page: playwright's `Page`, or any engine's (`engines.ts`). */
export interface Evaluating {
  evaluate<R>(run: () => R | Promise<R>): Promise<R>
  evaluate<R, A>(run: (arg: A) => R | Promise<R>, arg: A): Promise<R>
}

/** What the page's origin holds: Dexie ids, worker cache URLs, IndexedDB database names. */
export const storedIds = (page: Evaluating) =>
  page.evaluate(async (name: string) => {
    const cached = (await caches.has(name))
      ? (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname)
      : []
    const databases = (await indexedDB.databases()).map((db) => db.name)
    // Opening a database that does not exist would create it empty: only read one that does.
    const dexie = !databases.includes('pixstore')
      ? []
      : await new Promise<string[]>((resolve, reject) => {
          const open = indexedDB.open('pixstore')
          open.onsuccess = () => {
            const request = open.result.transaction('images').objectStore('images').getAllKeys()
            request.onsuccess = () => (open.result.close(), resolve(request.result as string[]))
            request.onerror = () => reject(request.error)
          }
          open.onerror = () => reject(open.error)
        })
    return { cached: cached.sort(), dexie: dexie.sort(), databases }
  }, SW_CACHE_NAME)

/**
 * Every byte in Cache Storage and IndexedDB of the page's origin, in base64: typed arrays
 * with their whole buffer, Blob contents, cache bodies and URLs, and strings (as UTF-16 code
 * units and as their low bytes).
 */
function storedBuffers(page: Evaluating): Promise<string[]> {
  return page.evaluate(async () => {
    const found: Uint8Array[] = []
    const blobs: Blob[] = []
    const visit = (value: unknown, seen: Set<unknown>) => {
      if (typeof value === 'string') {
        found.push(Uint8Array.from(value, (c) => c.charCodeAt(0) & 0xff))
        found.push(new Uint8Array(Uint16Array.from(value, (c) => c.charCodeAt(0)).buffer))
        return
      }
      if (value === null || typeof value !== 'object' || seen.has(value)) return
      seen.add(value)
      if (ArrayBuffer.isView(value)) found.push(new Uint8Array(value.buffer))
      else if (value instanceof ArrayBuffer) found.push(new Uint8Array(value))
      else if (value instanceof Blob) blobs.push(value)
      else for (const child of Object.values(value)) visit(child, seen)
    }
    for (const name of await caches.keys()) {
      const cache = await caches.open(name)
      for (const request of await cache.keys()) {
        visit(request.url, new Set())
        blobs.push(await (await cache.match(request))!.blob())
      }
    }
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(info.name!)
        open.onsuccess = () => resolve(open.result)
        open.onerror = () => reject(open.error)
      })
      for (const store of db.objectStoreNames) {
        const values = await new Promise<unknown[]>((resolve) => {
          const request = db.transaction(store).objectStore(store).getAll()
          request.onsuccess = () => resolve(request.result)
        })
        values.forEach((value) => visit(value, new Set()))
      }
      db.close()
    }
    for (const blob of blobs) found.push(new Uint8Array(await blob.arrayBuffer()))
    return found.map((bytes) => {
      let binary = ''
      for (let i = 0; i < bytes.length; i += 0x8000)
        binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
      return btoa(binary)
    })
  })
}

/** The image URLs (path and query) in the worker's Cache Storage; none when it has no cache. */
export function workerCacheUrls(page: Evaluating): Promise<string[]> {
  return page.evaluate(async (name) => {
    // Opening a cache that does not exist would create it: only read one that does.
    if (!(await caches.has(name))) return []
    return (await (await caches.open(name)).keys()).map(
      (r) => new URL(r.url).pathname + new URL(r.url).search,
    )
  }, SW_CACHE_NAME)
}

/** Run in the page: whether its `count` images are all decoded, each through a URL starting with `prefix`. */
const galleryShown = ([count, prefix]: readonly [number, string]): boolean => {
  const images = [...document.querySelectorAll('img')]
  return (
    images.length === count &&
    images.every((img) => img.complete && img.naturalWidth > 0 && img.getAttribute('src')!.startsWith(prefix))
  )
}

/** In any engine: waits until the gallery's `count` images are decoded, each from a URL starting with `prefix`. */
export const galleryLoaded = (page: Pick<EnginePage, 'waitFor'>, count: number, prefix = '') =>
  page.waitFor(galleryShown, [count, prefix] as const)

/**
 * Waits until every image of the gallery is decoded (and, with `prefix`, shown through URLs
 * starting with it) and says how they were loaded.
 */
export async function gallery(page: Page, count: number, prefix = ''): Promise<string[]> {
  await page.waitForFunction(galleryShown, [count, prefix] as const, UNTIL).catch(async (error: unknown) => {
    console.log(
      await page.evaluate(() => ({
        srcs: [...document.querySelectorAll('img')].map((i) => i.getAttribute('src')),
        html: document.body.innerHTML.slice(0, 300),
        c: navigator.serviceWorker.controller?.scriptURL,
        m: (window as unknown as { __swMessages: string[] }).__swMessages,
      })),
    )
    throw error
  })
  return page.$$eval('img', (images) => images.map((img) => img.getAttribute('src')!))
}

/**
 * Starts the harness before a test file's tests and closes it after them. Read
 * `suite.e2e` inside tests.
 */
export function e2eSuite(fixture: string, count: number, options: E2EOptions = {}): { e2e: E2E } {
  const suite = {} as { e2e: E2E }
  beforeAll(async () => {
    suite.e2e = await startE2E(fixture, count, options)
  })
  afterAll(async () => {
    suite.e2e?.throttle(0)
    await suite.e2e?.close()
  })
  return suite
}

/**
 * Asserts that no key of any seeded image (every version and preview), in any form, and no
 * run of any sample's plaintext is in the page origin's Cache Storage or IndexedDB; returns
 * how many buffers were scanned.
 */
export async function expectNothingAtRest(e2e: Pick<E2E, 'backend'>, page: Evaluating): Promise<number> {
  const { samples, previewSamples, backend, ids, previewIds, initial } = await e2e.backend.seeded()
  const buffers = (await storedBuffers(page)).map((text) => new Uint8Array(Buffer.from(text, 'base64')))
  const keyOf = (record: ImageRecord) => new Uint8Array(Buffer.from(record.meta.key, 'base64'))
  const records = [...initial.values(), ...[...ids, ...previewIds].map((id) => backend.record(id)!)]
  const plaintexts = [...samples, ...previewSamples].map((sample) => sample.bytes)
  const secrets = [
    ...records.flatMap((record) => keyForms(`key of ${record.id}@${record.token}`, keyOf(record))),
    ...plaintexts.flatMap((bytes, i) => plaintextRuns(`image ${i}`, bytes, plaintexts)),
  ]
  expect(findSecrets(buffers, secrets)).toEqual([])
  return buffers.length
}
