// The browser engines the engine cases run in, each behind the few calls those cases make, so
// one test source runs in all of them: Chromium through playwright-core, Firefox ESR through
// puppeteer-core over WebDriver BiDi, WebKitGTK through its WebDriver server under a virtual
// display (docs/browser-support.md).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page as PlaywrightPage } from 'playwright-core'
import puppeteer, { type Page as PuppeteerPage } from 'puppeteer-core'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../dev/chromium.ts'
import { HANG } from './hang'
import { NoAnswer, WebDriverSession } from './webDriver.ts'

/** One tab. Functions passed run in the page, with one serializable argument. */
export interface EnginePage {
  /**
   * Navigates to `url`; resolves once it has loaded, or with `'parsed'` once its document is
   * parsed, its images maybe still loading.
   */
  goto(url: string, until?: 'load' | 'parsed'): Promise<void>
  reload(): Promise<void>
  evaluate<R, A = undefined>(run: (arg: A) => R | Promise<R>, arg?: A): Promise<R>
  /** Resolves once `holds` returns true in the page; rejects only on a hang. */
  waitFor<A = undefined>(holds: (arg: A) => boolean, arg?: A): Promise<void>
}

/** A browser profile of its own (cookies, storage, service workers), with its tabs. */
export interface EngineContext {
  newPage(): Promise<EnginePage>
  close(): Promise<void>
}

/** A running browser. */
export interface Engine {
  name: EngineName
  newContext(): Promise<EngineContext>
  close(): Promise<void>
}

export type EngineName = 'chromium' | 'firefox' | 'webkit'

/** Every engine the engine cases run in; `.ci/run` installs each. */
export const ENGINE_NAMES: readonly EngineName[] = ['chromium', 'firefox', 'webkit']

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr'

/** WebKitGTK's browser for automation, which WebKitWebDriver starts for each session. */
export const WEBKIT_BROWSER =
  process.env.WEBKIT_BROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'

/** A WebKitGTK browser like MiniBrowser whose website data is kept on disk (`launchProfile`). */
const WEBKIT_PERSISTENT_BROWSER = join(import.meta.dirname, 'webkit/persistentBrowser.py')

/** A store a page can write, and where each engine keeps it in its profile directory. */
export const PROFILE_STORES = {
  indexedDB: { chromium: /\/IndexedDB\//, firefox: /\/idb\//, webkit: /\/indexeddb\// },
  cacheStorage: { chromium: /\/CacheStorage\//, firefox: /\/cache\/morgue\//, webkit: /\/CacheStorage\// },
  httpCache: { chromium: /\/Cache_Data\//, firefox: /\/cache2\/entries\//, webkit: /\/WebKitCache\// },
} as const satisfies Record<string, Record<EngineName, RegExp>>

/**
 * Whether the engine's HTTP cache keeps an answer with neither a freshness lifetime nor a
 * validator, as pixstore 3's endpoint sends: WebKit keeps none.
 */
export const HTTP_CACHE_KEEPS_UNVALIDATED: Record<EngineName, boolean> = {
  chromium: true,
  firefox: true,
  webkit: false,
}

/** A browser or browser context of a driver as an `EngineContext`, each page behind `wrap`. */
function contextOf<P>(
  target: { newPage(): Promise<P>; close(): Promise<void> },
  wrap: (page: P) => EnginePage,
): EngineContext {
  return { newPage: async () => wrap(await target.newPage()), close: () => target.close() }
}

/** A playwright-core browser context behind the engine calls. */
export const playwrightContext = (context: BrowserContext) => contextOf(context, playwrightPage)

function playwrightPage(page: PlaywrightPage): EnginePage {
  return {
    goto: async (url, until = 'load') =>
      void (await page.goto(url, { waitUntil: until === 'load' ? 'load' : 'domcontentloaded' })),
    reload: async () => void (await page.reload()),
    evaluate: <R, A>(run: (arg: A) => R | Promise<R>, arg?: A) =>
      page.evaluate(run as (arg: unknown) => R | Promise<R>, arg),
    waitFor: async (holds, arg) =>
      void (await page.waitForFunction(holds as (arg: unknown) => boolean, arg, { timeout: HANG })),
  }
}

function puppeteerPage(page: PuppeteerPage): EnginePage {
  return {
    goto: async (url, until = 'load') =>
      void (await page.goto(url, { waitUntil: until === 'load' ? 'load' : 'domcontentloaded' })),
    reload: async () => void (await page.reload()),
    evaluate: <R, A>(run: (arg: A) => R | Promise<R>, arg?: A) =>
      page.evaluate(run as (arg: unknown) => unknown, arg) as Promise<R>,
    waitFor: async (holds, arg) =>
      void (await page.waitForFunction(holds as (arg: unknown) => boolean, { timeout: HANG }, arg)),
  }
}

async function launchChromium(): Promise<Engine> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  return {
    name: 'chromium',
    newContext: async () => playwrightContext(await browser.newContext()),
    close: () => browser.close(),
  }
}

function startFirefox(userDataDir: string) {
  if (!existsSync(FIREFOX_PATH))
    throw new Error(`Firefox ESR is not at ${FIREFOX_PATH}: apt-get install firefox-esr (.ci/run does)`)
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    protocol: 'webDriverBiDi',
    userDataDir,
  })
}

async function launchFirefox(): Promise<Engine> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'pixstore-firefox-'))
  const browser = await startFirefox(userDataDir)
  return {
    name: 'firefox',
    newContext: async () => contextOf(await browser.createBrowserContext(), puppeteerPage),
    async close() {
      await browser.close()
      await rm(userDataDir, { recursive: true, force: true })
    },
  }
}

/** Polls `holds` until it resolves true; throws past `HANG`. */
async function until(holds: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + HANG
  while (!(await holds())) {
    if (Date.now() > deadline) throw new Error(`Hung waiting for ${what}`)
    await sleep(50)
  }
}

function webDriverPage(session: WebDriverSession, handle: string): EnginePage {
  const evaluate = <R, A>(run: (arg: A) => R | Promise<R>, arg?: A) =>
    session.execute<R>(handle, run.toString(), arg ?? null)
  const loaded = (url?: string, parsed = false) =>
    until(
      () =>
        evaluate(
          ([url, parsed]) =>
            (document.readyState === 'complete' || (parsed && document.readyState === 'interactive')) &&
            !(window as { reloading?: boolean }).reloading &&
            (url === null || location.href === url),
          [url ?? null, parsed] as const,
        ).catch((error: unknown) => {
          // Asked while the document it ran in was unloading: the new one is not there yet.
          if (String(error).includes('before the unload event')) return false
          throw error
        }),
      'a page to load',
    )
  return {
    evaluate,
    async goto(url, until = 'load') {
      await session.navigate(handle, url)
      await loaded(url, until === 'parsed')
    },
    async reload() {
      // A mark the reload wipes, so the old document's readyState is not taken for the new one's.
      await evaluate(() => void ((window as { reloading?: boolean }).reloading = true))
      await session.refresh(handle)
      await loaded()
    },
    waitFor: (holds, arg) => until(() => evaluate(holds, arg), holds.toString()),
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** WebKitWebDriver under a virtual display; `env` reaches the browsers it starts. */
async function startWebKitDriver(env: NodeJS.ProcessEnv = {}) {
  if (!existsSync(WEBKIT_BROWSER))
    throw new Error(
      `WebKitGTK is not at ${WEBKIT_BROWSER}: apt-get install webkit2gtk-driver xvfb (.ci/run does)`,
    )
  const port = await freePort()
  const server = `http://127.0.0.1:${port}`
  // Its own process group, so that ending it ends Xvfb and the driver together.
  const driver = spawn('xvfb-run', ['-a', 'WebKitWebDriver', `--port=${port}`, '--host=127.0.0.1'], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, ...env },
  })
  const exited = new Promise((resolve) => driver.once('exit', resolve))
  await until(
    () =>
      fetch(`${server}/status`).then(
        (response) => response.ok,
        () => false,
      ),
    'WebKitWebDriver to listen',
  )
  return {
    server,
    async close() {
      process.kill(-driver.pid!)
      await exited
    },
  }
}

/** A WebDriver session of WebKitGTK browser `binary`: a browser of its own, with its tabs. */
async function webKitContext(server: string, binary: string): Promise<EngineContext> {
  const session = await WebDriverSession.start(server, {
    'webkitgtk:browserOptions': { binary, args: ['--automation'] },
  })
  let first = true
  return {
    async newPage() {
      const handle = first ? session.initialTab : await session.newTab()
      first = false
      return webDriverPage(session, handle)
    },
    close: () => session.end(),
  }
}

async function launchWebKit(): Promise<Engine> {
  let driver = await startWebKitDriver()
  return {
    name: 'webkit',
    // MiniBrowser keeps a session's website data in memory.
    async newContext() {
      try {
        return await webKitContext(driver.server, WEBKIT_BROWSER)
      } catch (error) {
        // A session the driver never answered while it opened (a browser launch, seen once in a
        // CI run before any page of the kit loaded) holds the driver: a new driver opens it once more.
        if (!(error instanceof NoAnswer)) throw error
        await driver.close()
        driver = await startWebKitDriver()
        return webKitContext(driver.server, WEBKIT_BROWSER)
      }
    },
    close: () => driver.close(),
  }
}

/**
 * Starts engine `name` before a describe block's tests and closes it after them. Contexts from
 * `open` are closed after each test, passed or failed: an engine may allow one at a time.
 */
export function engineSuite(name: EngineName): { open(): Promise<EngineContext> } {
  let engine: Engine | undefined
  const contexts: EngineContext[] = []
  beforeAll(async () => {
    engine = await launchEngine(name)
  })
  afterEach(() => Promise.all(contexts.splice(0).map((context) => context.close())))
  afterAll(() => engine?.close())
  return {
    async open() {
      const context = await engine!.newContext()
      contexts.push(context)
      return context
    },
  }
}

/** Starts engine `name`. */
export function launchEngine(name: EngineName): Promise<Engine> {
  if (name === 'chromium') return launchChromium()
  return name === 'firefox' ? launchFirefox() : launchWebKit()
}

/**
 * Starts engine `name` with its profile (storage, caches, service workers) in directory `dir`,
 * which stays once the returned context closes the browser.
 */
export async function launchProfile(name: EngineName, dir: string): Promise<EngineContext> {
  if (name === 'chromium') {
    return playwrightContext(
      await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }),
    )
  }
  if (name === 'firefox') return contextOf(await startFirefox(dir), puppeteerPage)
  const bindings = spawnSync('/usr/bin/python3', ['-c', 'import gi; gi.require_version("WebKit2", "4.1")'])
  if (bindings.status !== 0)
    throw new Error(
      "WebKitGTK's Python bindings are missing: apt-get install python3-gi gir1.2-webkit2-4.1 (.ci/run does)",
    )
  const driver = await startWebKitDriver({ PIXSTORE_WEBKIT_PROFILE: dir })
  const context = await webKitContext(driver.server, WEBKIT_PERSISTENT_BROWSER)
  return {
    newPage: context.newPage,
    async close() {
      await context.close()
      await driver.close()
    },
  }
}
