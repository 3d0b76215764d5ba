import type { QueryClient } from '@tanstack/query-core'
import { PixstoreError, versionKey, type DownloadProgress, type ImageRecord } from '../core/internal.js'
import type { Source } from './ClientObserver.js'
import { choosePath, followHold, isHeld, type ChosenPath, type ClearHold } from './imageDecisions.js'
import { ImageQuery } from './ImageQuery.js'
import { ImageSwap, NOTHING_SHOWN } from './ImageSwap.js'
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

/** What options mean for a path now: the decisions a result and a commit both act on. */
interface PathPlan {
  /** The record, unless a logout holds it. */
  record: ImageRecord | undefined
  chosen: ChosenPath | undefined
  /** The worker's URL of the record, when its path is the worker's and it is enabled. */
  workerUrl: string | undefined
  /** Shown through `workerUrl` (which has not failed). */
  viaWorker: boolean
  /** Shown through its query's object URL. */
  queried: boolean
}

/**
 * One image on its path, a part of an `ImageObserver` (which listens to its `sources`): the
 * worker's `/_img/...` URL when the service worker controls the page, the object URL of its
 * query otherwise or once the worker URL fails; the `<img>`'s src chosen by an `ImageSwap`.
 * An image that starts while the worker registers (a first visit) shows through its object
 * URL, and once shown is handed to the worker (`WorkerWarmer`), so the next visit finds it there.
 */
export class ImagePath {
  private hold: ClearHold
  private chosen: ChosenPath | undefined
  /** The choice whose image was handed to the worker (a clear makes a new choice). */
  private handed: ChosenPath | undefined
  private failedWorkerUrl: string | undefined
  private registered: string | undefined
  private query: ImageQuery | undefined
  private swap: ImageSwap | undefined
  private undecodable: { url: string; error: PixstoreError } | undefined
  private readonly workerStatus: Source = (listener) => this.client.subscribeWorkerStatus(listener)
  private readonly clears: Source = (listener) => this.client.subscribeClears(listener)

  constructor(
    private readonly client: PixstoreClient,
    private readonly queryClient: QueryClient,
    private readonly decode: (src: string) => Promise<void>,
  ) {
    this.hold = { what: undefined, since: client.getClearEpoch() }
  }

  /** What `options` show now, changing nothing. */
  result(options: ImagePathOptions): ImagePathResult {
    const { record, viaWorker, workerUrl, queried } = this.plan(options)
    const image = queried ? this.queryOf().optimistic(record, options.enabled) : undefined
    const url = image?.data?.url
    const candidate = viaWorker ? workerUrl : url
    const swap = candidate === undefined ? this.swap : this.swapOf()
    const shown = swap?.preview(candidate, options.direct) ?? NOTHING_SHOWN
    const progress = image && options.trackProgress ? this.query!.progress(record!) : undefined
    const base = { src: shown.src, progress, fetching: image?.isFetching ?? false }
    const error = image?.error ?? (viaWorker ? null : this.undecodableError(shown.failed, url))
    if (error) return { ...base, status: 'error', error, via: undefined }
    if (!shown.loaded) return { ...base, status: 'loading', error: null, via: undefined }
    const via = shown.src!.startsWith(this.client.workerPrefix) ? 'worker' : 'object-url'
    return { ...base, status: 'success', error: null, via }
  }

  /**
   * Acts on `options`: registers, fetches, shows and hands over what they say. Returns what
   * the observer listens to, to commit them again when it changes.
   */
  commit(options: ImagePathOptions): Source[] {
    const { client } = this
    const { record: requested } = options
    this.hold = followHold(this.hold, requested ? versionKey(requested) : undefined, client.getClearEpoch())
    const plan = this.plan(options)
    // Kept while the record is held or gone: the same version comes back on the same path.
    if (plan.chosen) this.chosen = plan.chosen
    if (plan.workerUrl !== undefined && this.swap?.getSnapshot().failed === plan.workerUrl)
      this.failedWorkerUrl = plan.workerUrl
    // The <img> starts its request at commit: the record is registered in that same task,
    // before the worker's question can arrive.
    const registered = plan.viaWorker ? plan.workerUrl : undefined
    if (registered !== undefined && registered !== this.registered) client.bridge.register(plan.record!)
    this.registered = registered
    const url =
      plan.queried || this.query
        ? this.queryOf().set(plan.record, options.enabled && plan.queried).data?.url
        : undefined
    const candidate = plan.viaWorker ? plan.workerUrl : plan.queried ? url : undefined
    const swap = candidate === undefined ? this.swap : this.swapOf()
    swap?.show(candidate, options.direct, swap.preview(candidate, options.direct))
    if (this.warm(plan) && this.swap?.getSnapshot().loaded) {
      this.handed = plan.chosen
      client.warmer.warm(plan.record!)
    }
    const sources: Source[] = []
    if (requested) sources.push(this.clears)
    // Listening to the status is what registers the worker.
    if (this.warm(plan)) sources.push(this.workerStatus)
    // Progress is watched before the query's first listener starts its fetch, which reads it.
    if (this.query && options.trackProgress && plan.record) sources.push(this.query.progressOf(plan.record))
    if (this.query) sources.push(this.query.subscribe)
    if (this.swap) sources.push(this.swap.subscribe)
    return sources
  }

  /** Loads again after an error, or after a logout held the image (the caller commits then). */
  retry(options: ImagePathOptions): void {
    const { record } = options
    if (isHeld(this.hold, record ? versionKey(record) : undefined, this.client.getClearEpoch()))
      this.hold = { what: this.hold.what, since: this.client.getClearEpoch() }
    else void this.query?.refetch()
  }

  /** The `<img>` loaded `src`; it counts as shown once `decodeShown` resolves. */
  loaded(src: string | undefined, decodeShown: () => Promise<void>): void {
    this.swap?.loaded(src, decodeShown)
  }

  /** The `<img>` could not load or decode `src`. */
  failed(src: string | undefined): void {
    this.swap?.failed(src)
  }

  /** Stops what runs on its own (a decode). */
  dispose(): void {
    this.swap?.dispose()
  }

  private plan(options: ImagePathOptions): PathPlan {
    const { client } = this
    const epoch = client.getClearEpoch()
    const requested = options.record
    const record = requested && !isHeld(this.hold, versionKey(requested), epoch) ? requested : undefined
    const chosen = choosePath(this.chosen, record && versionKey(record), epoch, client.getWorkerStatus)
    const workerUrl =
      record && chosen?.worker && options.enabled
        ? client.bridge.urlOf(record, client.workerPrefix)
        : undefined
    const viaWorker =
      workerUrl !== undefined &&
      workerUrl !== this.failedWorkerUrl &&
      workerUrl !== this.swap?.getSnapshot().failed
    return { record, chosen, workerUrl, viaWorker, queried: chosen !== undefined && !viaWorker }
  }

  /** Started while the worker registered, shown through its object URL, not yet handed over. */
  private warm(plan: PathPlan): boolean {
    return !!plan.chosen?.warm && !plan.viaWorker && this.handed !== plan.chosen
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

  private queryOf(): ImageQuery {
    return (this.query ??= new ImageQuery(this.client, this.queryClient))
  }

  // Made with the first candidate, so an image that never gets one, off screen in a long
  // gallery, costs none.
  private swapOf(): ImageSwap {
    return (this.swap ??= new ImageSwap(this.decode))
  }
}
