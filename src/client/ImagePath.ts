import type { QueryClient } from '@tanstack/query-core'
import { PixstoreError, versionKey, type DownloadProgress, type ImageRecord } from '../core/internal.js'
import { ClearHold } from './ClearHold.js'
import { ClientObserver, type Source } from './ClientObserver.js'
import {
  ImageQueryObserver,
  type ImageQueryObserverOptions,
  type ImageQueryResult,
} from './ImageQueryObserver.js'
import { ImageSwap, NOTHING_SHOWN, type ImageSwapState } from './ImageSwap.js'
import type { PixstoreClient } from './PixstoreClient.js'

/** Options of an `ImagePath`. */
export interface ImagePathOptions {
  record: ImageRecord | null | undefined
  /** Nothing loads while false. */
  enabled: boolean
  /** The first image loads in the visible `<img>` itself (nothing else is on screen). */
  direct: boolean
  trackProgress: boolean
}

/** The state of one image on its path; `status === 'error'` narrows `error`. */
export type ImagePathResult = {
  /** Which path the shown image came through, once it has loaded. */
  via: 'worker' | 'object-url' | undefined
  /** The src of the visible `<img>`. */
  src: string | undefined
  progress: DownloadProgress | undefined
  /** Whether its query is fetching now. */
  fetching: boolean
} & (
  | { status: 'loading'; error: null }
  | { status: 'error'; error: PixstoreError }
  | { status: 'success'; error: null }
)

/**
 * One image on its path: the worker's `/_img/...` URL when the service worker controls the
 * page, the object URL of its query otherwise or once the worker URL fails; the `<img>`'s src
 * chosen by an `ImageSwap`. Each image keeps the path it started on: switching a shown image
 * to the worker when it takes over would fetch and decode it twice. An image that starts
 * while the worker registers (a first visit) shows through its object URL, and once shown is
 * handed to the worker (`WorkerWarmer`), so the next visit finds it there.
 */
export class ImagePath extends ClientObserver<ImagePathOptions, ImagePathResult> {
  private readonly hold: ClearHold
  /** The path chosen for a version; `warm` while it is still to be handed to the worker. */
  private chosen: { key: string; worker: boolean; warm: boolean } | undefined
  private failedWorkerUrl: string | undefined
  private registered: string | undefined
  private query: ImageQueryObserver | undefined
  private swap: ImageSwap | undefined
  private undecodable: { url: string; error: PixstoreError } | undefined
  private readonly workerStatus: Source = (listener) => this.client.subscribeWorkerStatus(listener)
  private readonly clears: Source = (listener) => this.client.subscribeClears(listener)

  constructor(
    private readonly client: PixstoreClient,
    private readonly queryClient: QueryClient,
    options: ImagePathOptions,
    private readonly decode: (src: string) => Promise<void>,
  ) {
    super(options)
    this.hold = new ClearHold(client)
  }

  getOptimisticResult(options: ImagePathOptions): ImagePathResult {
    const plan = this.plan(options)
    const image = plan.queried ? this.queryOf(plan).getOptimisticResult(plan.query) : undefined
    const candidate = plan.viaWorker ? plan.workerUrl : image?.url
    const shown = (candidate === undefined ? this.swap : this.swapOf())?.preview(candidate, options.direct)
    return this.result(shown ?? NOTHING_SHOWN, plan.viaWorker, image)
  }

  protected commit(options: ImagePathOptions): void {
    this.hold.follow(options.record ? versionKey(options.record) : undefined)
    let plan = this.plan(options)
    if (plan.key !== undefined && plan.key !== this.chosen?.key)
      this.chosen = { key: plan.key, worker: plan.worker, warm: plan.registering }
    if (plan.workerUrl !== undefined && this.swap?.getSnapshot().failed === plan.workerUrl) {
      this.failedWorkerUrl = plan.workerUrl
      plan = this.plan(options)
    }
    // The <img> starts its request at commit: the record is registered in that same task,
    // before the worker's question can arrive.
    const registered = plan.viaWorker ? plan.workerUrl : undefined
    if (registered !== undefined && registered !== this.registered) this.client.bridge.register(plan.record!)
    this.registered = registered
    if (plan.queried || this.query)
      this.queryOf(plan).setOptions(plan.queried ? plan.query : { ...plan.query, enabled: false })
    const candidate = plan.viaWorker
      ? plan.workerUrl
      : plan.queried
        ? this.query!.getCurrentResult().url
        : undefined
    const swap = candidate === undefined ? this.swap : this.swapOf()
    swap?.show(candidate, options.direct, swap.preview(candidate, options.direct))
    if (this.chosen?.warm && !plan.viaWorker && this.swap?.getSnapshot().loaded) {
      this.chosen.warm = false
      this.client.warmer.warm(plan.record!)
    }
    const sources: Source[] = []
    if (options.record) sources.push(this.clears)
    // Listening to the status is what registers the worker.
    if (this.chosen?.warm) sources.push(this.workerStatus)
    if (this.query) sources.push(this.query.subscribe)
    if (this.swap) sources.push(this.swap.subscribe)
    this.follow(sources)
  }

  protected override stopped(): void {
    this.swap?.dispose()
  }

  /** Loads again after an error, or after a logout held the image. */
  readonly retry = (): void => {
    const { record } = this.options
    if (!this.hold.isHeld(record ? versionKey(record) : undefined)) return void this.query?.refetch()
    this.hold.release()
    this.recommit()
  }

  /** The `<img>` loaded `src`; it counts as shown once `decodeShown` resolves. */
  loaded(src: string | undefined, decodeShown: () => Promise<void>): void {
    this.swap?.loaded(src, decodeShown)
  }

  /** The `<img>` could not load or decode `src`. */
  failed(src: string | undefined): void {
    this.swap?.failed(src)
  }

  /** What `options` mean now, changing nothing. */
  private plan(options: ImagePathOptions) {
    const { client } = this
    const requested = options.record
    const record = requested && !this.hold.isHeld(versionKey(requested)) ? requested : undefined
    const clearEpoch = client.getClearEpoch()
    const key = record ? `${versionKey(record)}\u0000${clearEpoch}` : undefined
    const status = key !== undefined && this.chosen?.key !== key ? client.getWorkerStatus() : undefined
    const worker = key !== undefined && (status === undefined ? this.chosen!.worker : status === 'ready')
    const workerUrl =
      record && worker && options.enabled ? client.bridge.urlOf(record, client.workerPrefix) : undefined
    const viaWorker = workerUrl !== undefined && workerUrl !== this.failedWorkerUrl
    const queried = key !== undefined && !viaWorker
    const query = {
      record: requested,
      enabled: options.enabled && queried,
      trackProgress: options.trackProgress,
    }
    return {
      record,
      key,
      worker,
      registering: status === 'registering',
      workerUrl,
      viaWorker,
      queried,
      query,
    }
  }

  private result(
    shown: ImageSwapState,
    viaWorker: boolean,
    image: ImageQueryResult | undefined,
  ): ImagePathResult {
    const base = { src: shown.src, progress: image?.progress, fetching: image?.isFetching ?? false }
    const error = image?.error ?? (viaWorker ? null : this.undecodableError(shown.failed, image?.url))
    if (error && !(image?.isPlaceholderData && shown.loaded))
      return { ...base, status: 'error', error, via: undefined }
    if (!shown.loaded) return { ...base, status: 'loading', error: null, via: undefined }
    const via = shown.src!.startsWith(this.client.workerPrefix) ? 'worker' : 'object-url'
    return { ...base, status: 'success', error: null, via }
  }

  /** The error of an object URL the browser could not decode, one per URL. */
  private undecodableError(failed: string | undefined, url: string | undefined): PixstoreError | null {
    if (failed === undefined || failed !== url) return null
    if (this.undecodable?.url !== url)
      this.undecodable = {
        url,
        error: new PixstoreError('unsupported-format', 'The browser could not decode the image'),
      }
    return this.undecodable.error
  }

  private queryOf(plan: { query: ImageQueryObserverOptions }): ImageQueryObserver {
    return (this.query ??= new ImageQueryObserver(this.client, this.queryClient, plan.query, this.hold))
  }

  // Made with the first candidate, so an image that never gets one, off screen in a long
  // gallery, costs none.
  private swapOf(): ImageSwap {
    return (this.swap ??= new ImageSwap(this.decode))
  }
}
