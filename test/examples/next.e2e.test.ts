import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp } from 'node:fs/promises'
import { createServer, request, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../dev/chromium.ts'
import { freePort } from '../../dev/freePort.ts'

// The Next.js App Router example (examples/next), as a user runs it: `npm run build` (which
// copies the worker into public/), `next start`, and Chromium. Its install is a step of
// `npm test` (`npm run example:next:install`), after the kit's build it packs.
const app = resolve(import.meta.dirname, '../../examples/next')
const GALLERY_SIZE = 12
let next: ChildProcess
let proxy: Server
let browser: Browser
let origin: string
/** Requests the proxy passed on, by path: every request of the page and of its worker. */
const requests: string[] = []
const imageRequests = () => requests.filter((path) => path.startsWith('/pixstore-image/')).length

function run(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(command, args, {
    cwd: app,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

async function exitOk(child: ChildProcess): Promise<void> {
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk))
  const [code] = (await once(child, 'exit')) as [number | null]
  if (code !== 0) throw new Error(`exited ${code}:\n${output}`)
}

beforeAll(async () => {
  const env = {
    // Next.js builds and serves for production; Vitest's own NODE_ENV is 'test'.
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    PIXSTORE_DATA_DIR: await mkdtemp(join(tmpdir(), 'pixstore-next-')),
  }
  await exitOk(run('npm', ['run', 'build', '--silent'], env))
  const port = await freePort()
  next = run(
    process.execPath,
    ['node_modules/next/dist/bin/next', 'start', '-H', '127.0.0.1', '-p', String(port)],
    env,
  )
  let log = ''
  next.stdout!.on('data', (chunk: Buffer) => (log += chunk))
  next.stderr!.on('data', (chunk: Buffer) => (log += chunk))
  // A counting proxy in front of the app sees what the backend is asked, page and worker alike.
  proxy = createServer((incoming, outgoing) => {
    requests.push(incoming.url ?? '')
    const forward = request(
      { host: '127.0.0.1', port, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(outgoing)
      },
    )
    forward.on('error', () => outgoing.writeHead(502).end())
    incoming.pipe(forward)
  })
  await new Promise<void>((listening) => proxy.listen(0, '127.0.0.1', listening))
  const address = proxy.address()
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  await vi
    .waitFor(
      async () => {
        const response = await fetch(`${origin}/api/images`)
        if (!response.ok) throw new Error(`answered ${response.status}`)
      },
      { timeout: 60_000, interval: 250 },
    )
    .catch((error: unknown) => {
      throw new Error(`next start did not answer: ${String(error)}\n${log}`)
    })
  requests.length = 0
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
}, 240_000)

afterAll(async () => {
  await browser?.close()
  proxy?.close()
  next?.kill()
})

/** The gallery's images, once each is decoded: their `src`s. */
async function decodedSources(page: Page): Promise<string[]> {
  const images = page.locator('img[alt^="Image "]')
  await expect.poll(() => images.count()).toBe(GALLERY_SIZE)
  await expect
    .poll(() =>
      images.evaluateAll((all) => all.every((img) => (img as HTMLImageElement).naturalWidth === 256)),
    )
    .toBe(true)
  return images.evaluateAll((all) => all.map((img) => (img as HTMLImageElement).getAttribute('src') ?? ''))
}

it('renders a first visit while the worker registers, then the gallery through the worker after a reload without asking the backend', async () => {
  const page = await browser.newPage()
  await page.goto(origin)
  const first = await decodedSources(page)
  expect(first.every((src) => src.startsWith('blob:'))).toBe(true)
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(
    `${origin}/pixstore-sw.js`,
  )
  expect(imageRequests()).toBe(GALLERY_SIZE)
  // The page hands the worker what it showed.
  await expect
    .poll(() => page.evaluate(async () => (await (await caches.open('pixstore-images-v1')).keys()).length))
    .toBe(GALLERY_SIZE)

  await page.reload()
  const again = await decodedSources(page)
  expect(again.every((src) => src.startsWith('/_img/'))).toBe(true)
  expect(imageRequests()).toBe(GALLERY_SIZE)
  // The app has no /_img route: only the worker can have answered them.
  expect(requests.filter((path) => path.startsWith('/_img/'))).toEqual([])
  await page.close()
})

it('renders the layout on the server with the provider in it, and no record in the HTML', async () => {
  const html = await fetch(origin).then((r) => r.text())
  expect(html).toContain('Encrypted gallery')
  const records = (await fetch(`${origin}/api/images`).then((r) => r.json())) as Array<{
    meta: { key: string }
  }>
  expect(records).toHaveLength(GALLERY_SIZE)
  for (const record of records) expect(html).not.toContain(record.meta.key)
})
