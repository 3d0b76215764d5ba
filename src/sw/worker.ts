// The service worker script, bundled alone as dist/pixstore-sw.js. Its options come from
// its own URL's query, set by registerPixstoreWorker.
import type { ImageFormat } from '../core/index.js'
import { PixstoreWorker } from './PixstoreWorker.js'

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
}

const scope = globalThis as unknown as ServiceWorkerScope
const params = new URLSearchParams(scope.location.search)
const number = (name: string) => (params.has(name) ? Number(params.get(name)) : undefined)

const worker = new PixstoreWorker({
  prefix: params.get('prefix') ?? undefined,
  channel: params.get('channel') ?? undefined,
  timeout: number('timeout'),
  maxEntries: number('maxEntries'),
  memoryBytes: number('memoryBytes'),
  imageFormats: (params.get('formats')?.split(',') as ImageFormat[] | undefined) ?? undefined,
})

scope.addEventListener('install', (event) => event.waitUntil(scope.skipWaiting()))
scope.addEventListener('activate', (event) =>
  event.waitUntil(Promise.all([scope.clients.claim(), worker.deleteOldCaches()])),
)
scope.addEventListener('fetch', (event) => {
  const response = worker.handle(event.request, event.clientId || event.resultingClientId)
  if (response) event.respondWith(response)
})
export {}
