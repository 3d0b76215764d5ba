import { Subscribable } from '../core/internal.js'
import { SW_SCRIPT_URL, writeWorkerOptions, type WorkerScriptOptions } from '../protocol/index.js'
import { pingWorker } from './pingWorker.js'

/** Whether worker URLs can be used: the worker controls the page. */
export type WorkerStatus = 'unsupported' | 'registering' | 'ready' | 'failed'

/**
 * Options of `registerPixstoreWorker`. The worker's own (`prefix`, `channel`, `timeout`,
 * `maxEntries`, `memoryBytes`, `imageFormats`: see `WorkerScriptOptions`) travel in its
 * script URL; with `register: false` the app's worker passes them to `PixstoreWorker` itself.
 */
export interface RegisterPixstoreWorkerOptions extends WorkerScriptOptions {
  /**
   * Whether the kit registers its own worker script. Set `false` when the app's own service
   * worker includes the kit's handler (`pixstore-react/worker`): the app registers it, and the
   * kit uses whatever worker controls the page once it answers the kit's `PING` (a worker
   * without the handler is reported `failed`, and images show through object URLs).
   * @default true
   */
  register?: boolean
  /** Where the worker script is served (with `register`). @default '/pixstore-sw.js' */
  url?: string
  /** Registration scope (with `register`). @default '/' */
  scope?: string
  /**
   * Resolves when registration may start (with `register`). The worker's download and
   * install compete with a first visit's images for the network and the CPU, so, as
   * workbox-window waits for `load`, the kit waits: `<PixstoreProvider>` for `load` and then
   * until the page loads no image, 10 s at most. Images shown meanwhile use object URLs and
   * are handed to the worker once it controls the page. `() => Promise.resolve()` registers
   * at once.
   * @default the window's `load` event
   */
  registerWhen?: () => Promise<unknown>
  /** Milliseconds to wait, from the start of registration, for the worker to control the
   * page (and, without `register`, to answer the kit's `PING`) before reporting `failed`
   * (images mounted until it does use object URLs; after `failed` none of them is handed to
   * it); a later takeover still turns it `ready`. @default 3000 */
  readyTimeout?: number
  /** The container to register with. @default navigator.serviceWorker */
  container?: ServiceWorkerContainer
}

/** A worker registration and its status. */
export interface PixstoreWorkerHandle {
  readonly status: WorkerStatus
  /** Called on every status change. */
  subscribe(listener: (status: WorkerStatus) => void): () => void
  /** The error behind `failed`. */
  readonly error: unknown
  /** The script URL registered, with its options. */
  readonly scriptUrl: string
}

/** The worker script URL with its options in the query. */
export function workerScriptUrl(options: RegisterPixstoreWorkerOptions = {}): string {
  const query = writeWorkerOptions(options).toString()
  return `${options.url ?? SW_SCRIPT_URL}${query ? `?${query}` : ''}`
}

/**
 * Resolves once the window's `load` event has fired: at once where it has (or where there is
 * no document: a worker, the server).
 */
export function whenWindowLoaded(): Promise<void> {
  const document = globalThis.document as Document | undefined
  if (!document || document.readyState === 'complete') return Promise.resolve()
  return new Promise((resolve) => globalThis.addEventListener('load', () => resolve()))
}

/** The container `options` name, else the page's own; undefined where service workers are missing. */
export function workerContainer(options: {
  container?: ServiceWorkerContainer
}): ServiceWorkerContainer | undefined {
  return options.container ?? globalThis.navigator?.serviceWorker
}

/**
 * Whether the worker `options` name controls the page: the kit's script (its URL, query
 * ignored), or with `register: false` any worker (the app's own, its handler still to answer).
 */
export function isControlledBy(
  options: RegisterPixstoreWorkerOptions,
  container: ServiceWorkerContainer | undefined,
): boolean {
  const controller = container?.controller
  if (!controller) return false
  if (options.register === false) return true
  const scriptUrl = workerScriptUrl(options)
  return new URL(controller.scriptURL).pathname === new URL(scriptUrl, controller.scriptURL).pathname
}

/**
 * Registers the pixstore service worker (or, with `register: false`, waits for the app's own)
 * and reports when it controls the page (`ready`). Where service workers are missing (server
 * rendering, some private modes) the status is `unsupported` and nothing is registered.
 */
export function registerPixstoreWorker(options: RegisterPixstoreWorkerOptions = {}): PixstoreWorkerHandle {
  const container = workerContainer(options)
  const scriptUrl = workerScriptUrl(options)
  const readyTimeout = options.readyTimeout ?? 3000
  const changes = new Subscribable<WorkerStatus>()
  const controlled = () => isControlledBy(options, container)
  // A page the worker already controls shows worker URLs from its first render; the app's own
  // worker is asked at once whether it holds the kit's handler, and `failed` if not.
  let status: WorkerStatus = !container ? 'unsupported' : controlled() ? 'ready' : 'registering'
  let error: unknown
  const set = (next: WorkerStatus) => {
    if (next === status) return
    status = next
    changes.emit(next)
  }
  const fail = (cause: unknown) => {
    error = cause
    set('failed')
  }

  if (container) {
    let timer: ReturnType<typeof setTimeout> | undefined
    const startTimer = () => {
      if (status === 'registering')
        timer = setTimeout(
          () => fail(new Error('The worker did not take control of the page in time')),
          readyTimeout,
        )
    }
    // Every worker that takes control is followed, for the page's life: the kit's own after an
    // update, or an app's new version, which is asked again whether it holds the handler.
    const takeOver = () => {
      clearTimeout(timer)
      if (options.register !== false) return set('ready')
      void pingWorker(container.controller!, readyTimeout).then((answered) =>
        answered
          ? set('ready')
          : fail(new Error("The service worker that controls the page does not include pixstore's handler")),
      )
    }
    container.addEventListener('controllerchange', () => {
      if (controlled()) takeOver()
    })
    if (options.register === false) {
      startTimer()
      if (status === 'ready') takeOver()
    } else {
      // Its worker takes control with a `controllerchange`, followed above.
      const registerWhen = options.registerWhen ?? whenWindowLoaded
      registerWhen()
        .then(() => {
          startTimer()
          return container.register(scriptUrl, { scope: options.scope ?? '/' })
        })
        .catch((cause: unknown) => {
          clearTimeout(timer)
          fail(cause)
        })
    }
  }

  return {
    get status() {
      return status
    },
    get error() {
      return error
    },
    scriptUrl,
    subscribe: (listener) => changes.subscribe(listener),
  }
}
