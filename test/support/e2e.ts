// End-to-end harness: a Vite server in this process serving a fixture page, the worker
// through the project's own plugin and the real pixstore backend behind a counting proxy,
// plus Chromium driven by playwright-core.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { chromium, type Browser } from 'playwright-core'
import { build, createServer, type ViteDevServer } from 'vite'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../dev/chromium.ts'
import { pixstoreDevServer, type PixstoreDevServer } from '../../dev/pixstoreDevServer.ts'
import { pixstoreWorker } from '../../src/vite/index.ts'

const root = resolve(import.meta.dirname, '../..')
const workerFile = resolve(root, 'dist/pixstore-sw.js')

export interface E2E {
  url: string
  backend: PixstoreDevServer
  server: ViteDevServer
  browser: Browser
  close(): Promise<void>
}

export async function startE2E(fixture: string, count: number): Promise<E2E> {
  if (!existsSync(workerFile))
    await build({ configFile: resolve(root, 'vite.sw.config.ts'), logLevel: 'warn' })
  const backend = pixstoreDevServer({ count, proxy: true })
  const server = await createServer({
    configFile: false,
    root: resolve(root, fixture),
    logLevel: 'warn',
    plugins: [react(), pixstoreWorker({ workerFile }), backend],
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
    async close() {
      await browser.close()
      await server.close()
    },
  }
}
