// The browser engines the engine cases run in, each behind the few calls those cases make, so
// one test source runs in all of them: Chromium through playwright-core, Firefox ESR through
// puppeteer-core over WebDriver BiDi (docs/browser-support.md).
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page as PlaywrightPage } from 'playwright-core'
import puppeteer, { type Page as PuppeteerPage } from 'puppeteer-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../dev/chromium.ts'
import { HANG } from './hang'

/** One tab. Functions passed run in the page, with one serializable argument. */
export interface EnginePage {
  goto(url: string): Promise<void>
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

export type EngineName = 'chromium' | 'firefox'

/** Every engine the engine cases run in; `.ci/run` installs each. */
export const ENGINE_NAMES: readonly EngineName[] = ['chromium', 'firefox']

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr'

function playwrightPage(page: PlaywrightPage): EnginePage {
  return {
    goto: async (url) => void (await page.goto(url)),
    reload: async () => void (await page.reload()),
    evaluate: <R, A>(run: (arg: A) => R | Promise<R>, arg?: A) =>
      page.evaluate(run as (arg: unknown) => R | Promise<R>, arg),
    waitFor: async (holds, arg) =>
      void (await page.waitForFunction(holds as (arg: unknown) => boolean, arg, { timeout: HANG })),
  }
}

function puppeteerPage(page: PuppeteerPage): EnginePage {
  return {
    goto: async (url) => void (await page.goto(url)),
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
    async newContext() {
      const context = await browser.newContext()
      return { newPage: async () => playwrightPage(await context.newPage()), close: () => context.close() }
    },
    close: () => browser.close(),
  }
}

async function launchFirefox(): Promise<Engine> {
  if (!existsSync(FIREFOX_PATH))
    throw new Error(`Firefox ESR is not at ${FIREFOX_PATH}: apt-get install firefox-esr (.ci/run does)`)
  const userDataDir = await mkdtemp(join(tmpdir(), 'pixstore-firefox-'))
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    protocol: 'webDriverBiDi',
    userDataDir,
  })
  return {
    name: 'firefox',
    async newContext() {
      const context = await browser.createBrowserContext()
      return { newPage: async () => puppeteerPage(await context.newPage()), close: () => context.close() }
    },
    async close() {
      await browser.close()
      await rm(userDataDir, { recursive: true, force: true })
    },
  }
}

/** Starts engine `name`. */
export function launchEngine(name: EngineName): Promise<Engine> {
  return name === 'chromium' ? launchChromium() : launchFirefox()
}
