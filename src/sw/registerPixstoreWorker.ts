import { Subscribable } from '../core/internal.js'
import { SW_SCRIPT_URL } from './messages.js'
import { writeWorkerOptions, type WorkerScriptOptions } from './workerOptionsQuery.js'

/** Whether worker URLs can be used: the worker controls the page. */
export type WorkerStatus = 'unsupported' | 'registering' | 'ready' | 'failed'

/**
 * Options of `registerPixstoreWorker`. The worker's own (`prefix`, `channel`, `timeout`,
 * `maxEntries`, `memoryBytes`, `imageFormats`: see `PixstoreWorkerOptions`) travel in its
 * script URL.
 */
export interface RegisterPixstoreWorkerOptions extends WorkerScriptOptions {
  /** Where the worker script is served. @default '/pixstore-sw.js' */
  url?: string
  /** Registration scope. @default '/' */
  scope?: string
  /** Milliseconds to wait for the worker to control the page before reporting `failed`
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

/** The container `options` name, else the page's own; undefined where service workers are missing. */
export function workerContainer(options: {
  container?: ServiceWorkerContainer
}): ServiceWorkerContainer | undefined {
  return options.container ?? globalThis.navigator?.serviceWorker
}

/** Whether the page is controlled by the worker script at `scriptUrl` (query ignored). */
export function isControlledBy(scriptUrl: string, container: ServiceWorkerContainer | undefined): boolean {
  const controller = container?.controller
  if (!controller) return false
  return new URL(controller.scriptURL).pathname === new URL(scriptUrl, controller.scriptURL).pathname
}

/**
 * Registers the pixstore service worker and reports when it controls the page
 * (`ready`). Where service workers are missing (server rendering, some private modes) the
 * status is `unsupported` and nothing is registered.
 */
export function registerPixstoreWorker(options: RegisterPixstoreWorkerOptions = {}): PixstoreWorkerHandle {
  const container = workerContainer(options)
  const scriptUrl = workerScriptUrl(options)
  const changes = new Subscribable<WorkerStatus>()
  const controlled = () => isControlledBy(scriptUrl, container)
  let status: WorkerStatus = !container ? 'unsupported' : controlled() ? 'ready' : 'registering'
  let error: unknown
  const set = (next: WorkerStatus) => {
    if (next === status) return
    status = next
    changes.emit(next)
  }

  if (container) {
    const timer =
      status === 'registering'
        ? setTimeout(() => {
            if (status !== 'registering') return
            error = new Error('The worker did not take control of the page in time')
            set('failed')
          }, options.readyTimeout ?? 3000)
        : undefined
    const onControllerChange = () => {
      if (controlled()) {
        clearTimeout(timer)
        set('ready')
        container.removeEventListener('controllerchange', onControllerChange)
      }
    }
    container.addEventListener('controllerchange', onControllerChange)
    container.register(scriptUrl, { scope: options.scope ?? '/' }).then(
      () => onControllerChange(),
      (cause: unknown) => {
        error = cause
        clearTimeout(timer)
        container.removeEventListener('controllerchange', onControllerChange)
        set('failed')
      },
    )
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
