import { createImageService, Subscribable, type ImageService, type PixstoreConfig } from '../core/internal.js'
import {
  countWorkerAnswers,
  createWorkerStatusStore,
  whenWindowLoaded,
  WorkerBridge,
  workerContainer,
  workerLoadSource,
  WorkerWarmer,
  type RegisterPixstoreWorkerOptions,
  type WorkerStatus,
  type WorkerStatusStore,
} from '../window/index.js'
import { SW_PREFIX } from '../protocol/index.js'
import { flushWhenHidden } from './flushWhenHidden.js'
import { ObjectUrlRegistry } from './ObjectUrlRegistry.js'
import { ProgressRegistry } from './ProgressRegistry.js'

/** Options of a `PixstoreClient`, read once when it is created. */
export interface PixstoreClientOptions {
  /** Image service configuration. @default {} */
  config?: PixstoreConfig
  /** Service worker options, or `false` for object URLs only. @default {} (registers '/pixstore-sw.js') */
  serviceWorker?: false | RegisterPixstoreWorkerOptions
  /**
   * BroadcastChannel shared with the worker and the app's other tabs (logouts reach them on
   * it). @default serviceWorker.channel, else 'pixstore'
   */
  channel?: string
}

const unsupported = (): WorkerStatus => 'unsupported'

/**
 * How long after the window's `load` the worker's registration waits, at most, for the page
 * to load no image: a page that never pauses (a feed loading as it scrolls) still gets its
 * worker.
 */
const IDLE_WAIT_BEFORE_REGISTERING = 10_000

const noSubscription = () => () => undefined

/**
 * Everything the kit shares between images, without React: the image service, the bridge
 * to the worker and the other tabs, the worker's status, the object URLs of decrypted
 * images, download progress and the count of clears. `<PixstoreProvider>` creates one (or
 * takes one an app made) and gives every hook that one object; state that changes is read
 * through `subscribe…`/`get…` pairs, made for `useSyncExternalStore`.
 */
export class PixstoreClient {
  /** The image engine: cache, fetch, decrypt. */
  readonly service: ImageService
  /** Answers the worker from the service and carries clears between tabs. */
  readonly bridge: WorkerBridge
  /** The object URLs of decrypted images, by query hash. */
  readonly urls = new ObjectUrlRegistry()
  /** Download progress of image loads, by query hash. */
  readonly progress = new ProgressRegistry()
  /** Path prefix of the worker's image URLs. */
  readonly workerPrefix: string
  /** Hands the worker, once in control, the images shown while it registered. */
  readonly warmer: WorkerWarmer
  private readonly worker: WorkerStatusStore | undefined
  private readonly container: ServiceWorkerContainer | undefined
  private readonly clears = new Subscribable()
  private mounts = 0
  private stopListening: (() => void) | undefined

  constructor(options: PixstoreClientOptions = {}) {
    const { config, serviceWorker = {} } = options
    const channel = options.channel ?? (serviceWorker ? serviceWorker.channel : undefined)
    this.service = createImageService(config)
    // Its clear waits for the worker's confirmation only where the pixstore worker controls the page.
    this.bridge = new WorkerBridge({
      service: this.service,
      channel,
      controlled: () => this.getWorkerStatus() === 'ready',
      // The worker loads what this page shows by itself, from the same database and endpoint.
      source: serviceWorker ? workerLoadSource(config) : undefined,
      controller: () => this.container?.controller,
    })
    this.worker =
      serviceWorker === false
        ? undefined
        : createWorkerStatusStore({
            imageFormats: config?.imageFormats,
            // A first visit's images load before the worker's download and install compete with them.
            registerWhen: () => this.whenFirstImagesLoaded(),
            ...serviceWorker,
            channel,
          })
    this.workerPrefix = (serviceWorker && serviceWorker.prefix) || SW_PREFIX
    this.container = serviceWorker ? workerContainer(serviceWorker) : undefined
    this.warmer = new WorkerWarmer({
      getStatus: this.getWorkerStatus,
      subscribeStatus: this.subscribeWorkerStatus,
      bridge: this.bridge,
      isCached: (id) => this.service.cachedImageExists(id),
      whenIdle: (signal) => this.service.whenIdle(signal),
      prefix: this.workerPrefix,
    })
  }

  /** The window's `load`, then no image loading, or `IDLE_WAIT_BEFORE_REGISTERING` after `load`. */
  private async whenFirstImagesLoaded(): Promise<void> {
    await whenWindowLoaded()
    const gaveUp = new AbortController()
    const timer = setTimeout(() => gaveUp.abort(), IDLE_WAIT_BEFORE_REGISTERING)
    await this.service.whenIdle(gaveUp.signal).catch(() => undefined)
    clearTimeout(timer)
  }

  /** Listens to the worker's status; registering the worker starts with the first listener. */
  readonly subscribeWorkerStatus = (listener: () => void): (() => void) =>
    (this.worker?.subscribe ?? noSubscription)(listener)

  /** `ready` when the worker controls the page, so images can use its URLs. */
  readonly getWorkerStatus = (): WorkerStatus => (this.worker?.getStatus ?? unsupported)()

  /** Listens to clears (logouts), made here or in another tab. */
  readonly subscribeClears = (listener: () => void): (() => void) => this.clears.subscribe(listener)

  /** How many clears there have been since the client was created; images shown before one are held. */
  readonly getClearEpoch = (): number => this.bridge.clearEpoch

  /**
   * Starts the bridge, so the worker's questions and the other tabs' logouts reach this
   * page, and on a clear revokes every object URL. Returns what stops it again; mounts are
   * counted, so a remount before the stop keeps it running.
   */
  mount(): () => void {
    if (this.mounts++ === 0) {
      const stopClears = this.bridge.onClear(() => {
        this.urls.revokeAll()
        this.clears.emit()
      })
      // Without BroadcastChannel (server rendering, old browsers) clears stay in this page.
      if (typeof BroadcastChannel !== 'undefined') this.bridge.start()
      const stopFlushing = flushWhenHidden(this.service)
      const stopCounting = this.container ? countWorkerAnswers(this.service, this.container) : undefined
      this.stopListening = () => {
        stopClears()
        stopFlushing()
        stopCounting?.()
        this.bridge.stop()
      }
    }
    let mounted = true
    return () => {
      if (!mounted) return
      mounted = false
      if (--this.mounts === 0) {
        // Stryker disable next-line OptionalChaining: the first mount set it, and only the last unmount reads it
        this.stopListening?.()
        this.stopListening = undefined
      }
    }
  }

  /**
   * Logout: aborts every image load, empties the encrypted cache and the worker's Cache
   * Storage, makes the worker drop its keys and revokes every object URL, in this tab and in
   * every other.
   */
  clear(): Promise<void> {
    return this.bridge.clear()
  }

  /** Revokes every object URL and closes the database; the client is not used after. */
  async close(): Promise<void> {
    this.urls.revokeAll()
    await this.service.close()
  }
}
