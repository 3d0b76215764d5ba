import type { Plugin } from 'vite'

/** Options of the `pixstoreWorker` Vite plugin. */
export interface PixstoreWorkerPluginOptions {
  /** URL path the worker is served and emitted at. @default '/pixstore-sw.js' */
  path?: string
}

/**
 * Vite plugin that will serve the pixstore service worker in dev and emit it in build.
 * Until the worker bundle ships it only reserves the name and path; the kit then runs on
 * object URLs, which need no worker.
 */
export function pixstoreWorker(options: PixstoreWorkerPluginOptions = {}): Plugin & { workerPath: string } {
  return { name: 'pixstore-react:worker', workerPath: options.path ?? '/pixstore-sw.js' }
}
