// The parts of a service worker's events the kit uses. The real `FetchEvent`,
// `ExtendableMessageEvent` and Workbox's route options fit them, so an app's worker passes its
// own events, and the kit needs no WebWorker types of its own.

/** An event whose work the browser waits for before it may stop the worker. */
export interface WorkerExtendableEvent {
  waitUntil(promise: Promise<unknown>): void
}

/** A `fetch` event: the request, the page that made it, and the time it may keep the worker. */
export interface WorkerFetchEvent extends WorkerExtendableEvent {
  request: Request
  /** The page that made the request; `''` for a navigation. */
  clientId?: string
  /** The page a navigation makes. */
  resultingClientId?: string
}

/** A `message` event posted by a page to the worker itself. */
export interface WorkerMessageEvent extends WorkerExtendableEvent {
  data: unknown
  /** The page that posted it (a `Client`, whose `id` the worker reads), or another sender. */
  source: unknown
  /** The ports sent with it (a `PING` carries the one it is answered on). */
  ports?: ReadonlyArray<Pick<MessagePort, 'postMessage'>>
}
