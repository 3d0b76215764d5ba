// The standalone service worker, bundled alone as dist/pixstore-sw.js: the module an app's own
// worker uses, with every listener, and claiming the pages at once. Its options come from its
// own URL's query, where registerPixstoreWorker writes them.
import { readWorkerOptions } from '../protocol/index.js'
import { PixstoreWorker } from './PixstoreWorker.js'
import type { WorkerExtendableEvent, WorkerFetchEvent, WorkerMessageEvent } from './workerEvents.js'

interface ServiceWorkerScope {
  location: Location
  skipWaiting(): Promise<void>
  clients: { claim(): Promise<void> }
  addEventListener(type: 'install' | 'activate', listener: (event: WorkerExtendableEvent) => void): void
  addEventListener(
    type: 'fetch',
    listener: (event: WorkerFetchEvent & { respondWith(response: Promise<Response>): void }) => void,
  ): void
  addEventListener(type: 'message', listener: (event: WorkerMessageEvent) => void): void
}

const scope = globalThis as unknown as ServiceWorkerScope
const pixstore = new PixstoreWorker(readWorkerOptions(new URLSearchParams(scope.location.search)))

scope.addEventListener('install', (event) => event.waitUntil(scope.skipWaiting()))
scope.addEventListener('activate', (event) =>
  event.waitUntil(Promise.all([scope.clients.claim(), pixstore.deleteOldCaches()])),
)
scope.addEventListener('message', (event) => pixstore.handleMessage(event))
scope.addEventListener('fetch', (event) => {
  const response = pixstore.handleFetch(event)
  if (response) event.respondWith(response)
})
