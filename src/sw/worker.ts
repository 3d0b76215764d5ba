// The service worker script, bundled alone as dist/pixstore-sw.js. Its options come from
// its own URL's query, set by registerPixstoreWorker.
import { PixstoreWorker } from './PixstoreWorker.js'
import { readWorkerOptions } from './workerOptionsQuery.js'

interface ExtendableEventLike extends Event {
  waitUntil(promise: Promise<unknown>): void
}
interface FetchEventLike extends ExtendableEventLike {
  request: Request
  clientId: string
  resultingClientId: string
  respondWith(response: Promise<Response>): void
}
interface ServiceWorkerScope {
  location: Location
  skipWaiting(): Promise<void>
  clients: { claim(): Promise<void> }
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEventLike) => void): void
  addEventListener(type: 'fetch', listener: (event: FetchEventLike) => void): void
  addEventListener(
    type: 'message',
    listener: (event: ExtendableEventLike & { data: unknown; source: { id?: string } | null }) => void,
  ): void
}

const scope = globalThis as unknown as ServiceWorkerScope
const worker = new PixstoreWorker(readWorkerOptions(new URLSearchParams(scope.location.search)))

scope.addEventListener('install', (event) => event.waitUntil(scope.skipWaiting()))
scope.addEventListener('activate', (event) =>
  event.waitUntil(Promise.all([scope.clients.claim(), worker.deleteOldCaches()])),
)
scope.addEventListener('message', (event) => event.waitUntil(worker.receive(event.data, event.source?.id)))
scope.addEventListener('fetch', (event) => {
  const response = worker.handle(event.request, event.clientId || event.resultingClientId, (promise) =>
    event.waitUntil(promise),
  )
  if (response) event.respondWith(response)
})
export {}
