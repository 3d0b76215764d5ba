import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Connect, Plugin } from 'vite'
import { SW_SCRIPT_URL } from '../protocol/index.js'

/** Options of the `pixstoreWorker` Vite plugin. */
export interface PixstoreWorkerPluginOptions {
  /** URL path the worker is served and emitted at; `registerPixstoreWorker`'s `url`. @default '/pixstore-sw.js' */
  path?: string
  /** The worker file. @default the `pixstore-sw.js` shipped next to this plugin */
  workerFile?: string
}

/**
 * Vite plugin that serves the pixstore service worker in dev and preview and emits it in
 * build, at `path` on the site root so its scope can cover the whole app.
 */
export function pixstoreWorker(options: PixstoreWorkerPluginOptions = {}): Plugin {
  const path = options.path ?? SW_SCRIPT_URL
  const file =
    options.workerFile ?? fileURLToPath(new URL(/* @vite-ignore */ './pixstore-sw.js', import.meta.url))
  const serve = (middlewares: Connect.Server): void =>
    void middlewares.use((req, res, next) => {
      if (req.url?.split('?')[0] !== path) return next()
      readFile(file).then((source) => {
        res.setHeader('Content-Type', 'text/javascript')
        // The browser checks a worker script for updates itself; never serve a stale one.
        res.setHeader('Cache-Control', 'no-cache')
        res.end(source)
      }, next)
    })
  return {
    name: 'pixstore-react:worker',
    configureServer: (server) => serve(server.middlewares),
    configurePreviewServer: (server) => serve(server.middlewares),
    async generateBundle() {
      this.emitFile({ type: 'asset', fileName: path.replace(/^\//, ''), source: await readFile(file) })
    },
  }
}
