import type { ImageFormat } from '../core/index.js'

/** Whether worker URLs can be used: the worker controls the page. */
export type WorkerStatus = 'unsupported' | 'registering' | 'ready' | 'failed'

/** Options of `registerPixstoreWorker`; the worker receives them in its script URL. */
export interface RegisterPixstoreWorkerOptions {
  /** Where the worker script is served. @default '/pixstore-sw.js' */
  url?: string
  /** Registration scope. @default '/' */
  scope?: string
  /** Path prefix of image URLs. @default '/_img' */
  prefix?: string
  /** BroadcastChannel name. @default 'pixstore' */
  channel?: string
  /** Milliseconds the worker waits for the page before answering 504. @default 5000 */
  timeout?: number
  /** Most entries in the worker's Cache Storage. @default 500 */
  maxEntries?: number
  /** Bytes of recently served images the worker keeps decrypted in memory. @default 33554432 */
  memoryBytes?: number
  /** Must match the backend. @default ['png','webp','jpg','jpeg'] */
  imageFormats?: readonly ImageFormat[]
  /** Milliseconds to wait for the worker to control the page before reporting `failed`
   * (images then use object URLs); a later takeover still turns it `ready`. @default 3000 */
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
  const params = new URLSearchParams()
  if (options.prefix) params.set('prefix', options.prefix)
  if (options.channel) params.set('channel', options.channel)
  if (options.timeout !== undefined) params.set('timeout', String(options.timeout))
  if (options.maxEntries !== undefined) params.set('maxEntries', String(options.maxEntries))
  if (options.memoryBytes !== undefined) params.set('memoryBytes', String(options.memoryBytes))
  if (options.imageFormats) params.set('formats', options.imageFormats.join(','))
  const query = params.toString()
  return `${options.url ?? '/pixstore-sw.js'}${query ? `?${query}` : ''}`
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
  const container = options.container ?? globalThis.navigator?.serviceWorker
  const scriptUrl = workerScriptUrl(options)
  const listeners = new Set<(status: WorkerStatus) => void>()
  const controlled = () => isControlledBy(scriptUrl, container)
  let status: WorkerStatus = !container ? 'unsupported' : controlled() ? 'ready' : 'registering'
  let error: unknown
  const set = (next: WorkerStatus) => {
    if (next === status) return
    status = next
    listeners.forEach((listener) => listener(next))
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
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
