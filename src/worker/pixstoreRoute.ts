import type { PixstoreWorker } from './PixstoreWorker.js'
import type { WorkerExtendableEvent, WorkerFetchEvent } from './workerEvents.js'

/** What a Workbox route's handler is given (`RouteHandlerCallbackOptions`), as far as the kit reads it. */
export interface PixstoreRouteOptions {
  request: Request
  /** The fetch event: its `clientId` and `waitUntil` are used when present. */
  event?: WorkerExtendableEvent | WorkerFetchEvent
}

/**
 * The worker's image URLs as a Workbox route: `registerRoute(...pixstoreRoute(pixstore))`
 * (`workbox-routing`), ahead of any route that could match them. The match takes the GET
 * requests of the worker's `prefix` on its origin, the handler answers them as `handleFetch`
 * does. Workbox itself is not needed by the kit: any router that calls a match and a handler
 * with `{ request, event }` can take them.
 */
export function pixstoreRoute(
  worker: PixstoreWorker,
): [
  match: (options: { request: Request }) => boolean,
  handler: (options: PixstoreRouteOptions) => Promise<Response>,
] {
  return [
    ({ request }) => worker.owns(request),
    ({ request, event }) => {
      const fetchEvent = event as Partial<WorkerFetchEvent> | undefined
      return worker.handle(
        request,
        fetchEvent?.clientId || fetchEvent?.resultingClientId,
        event && ((promise) => event.waitUntil(promise)),
      )!
    },
  ]
}
