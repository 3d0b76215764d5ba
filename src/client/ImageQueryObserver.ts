import type { QueryClient } from '@tanstack/query-core'
import { versionKey, type DownloadProgress, type ImageRecord, type PixstoreError } from '../core/internal.js'
import { ClientObserver, type Source } from './ClientObserver.js'
import { followHold, isHeld, previewLoads, type ClearHold } from './imageDecisions.js'
import { ImageQuery } from './ImageQuery.js'
import type { PixstoreClient } from './PixstoreClient.js'

/** Options of an `ImageQueryObserver`. */
export interface ImageQueryObserverOptions {
  /** The record whose image is queried; `null` or `undefined` holds the query. */
  record: ImageRecord | null | undefined
  /** A small version of the image (an ordinary encrypted record) shown until the full one has loaded. @default none */
  preview?: ImageRecord | null
  /** Set false to hold the query. @default true */
  enabled?: boolean
  /** Follow the download and report `progress` (a change per chunk, so only when asked). @default false */
  trackProgress?: boolean
  /** Whether a query in error fetches again when this observer starts. @default true */
  retryOnMount?: boolean
}

/** What an `ImageQueryObserver` reports, whatever its status. */
interface ImageQueryState {
  /** Object URL of the decrypted image; the preview's while the full image loads, the previous version's while a new token loads. */
  url: string | undefined
  blob: Blob | undefined
  isLoading: boolean
  isError: boolean
  /** Whether the full image's query is fetching now. */
  isFetching: boolean
  /** True while the previous token's image stands in for the new one. */
  isPlaceholderData: boolean
  /** True while `url` is the preview's. */
  isPreview: boolean
  /** Bytes of the full image received so far, while its body downloads (with `trackProgress`). */
  progress: DownloadProgress | undefined
}

/**
 * What an `ImageQueryObserver` reports: `error` is tied to `status`, as in TanStack Query's
 * results, so `status === 'error'` narrows it to a `PixstoreError`.
 */
export type ImageQueryResult = ImageQueryState &
  (
    | { status: 'pending'; error: null }
    | { status: 'error'; error: PixstoreError }
    | { status: 'success'; error: null }
  )

/**
 * One record's image as a React Query query, without React (as TanStack Query's
 * `QueryObserver`, which it wraps): the decrypted image, its preview while the full one
 * loads, download progress, and the hold after a logout (`ClearHold`).
 */
export class ImageQueryObserver extends ClientObserver<ImageQueryObserverOptions, ImageQueryResult> {
  private readonly full: ImageQuery
  private small: ImageQuery | undefined
  private hold: ClearHold

  constructor(
    private readonly client: PixstoreClient,
    private readonly queryClient: QueryClient,
    options: ImageQueryObserverOptions,
  ) {
    super(options)
    this.full = new ImageQuery(client, queryClient)
    this.hold = { what: undefined, since: client.getClearEpoch() }
  }

  getOptimisticResult(options: ImageQueryObserverOptions): ImageQueryResult {
    const record = this.unheld(options.record)
    const full = this.full.optimistic(record, options.enabled !== false, options.retryOnMount)
    const preview = this.previewOf(options, record)
    const small = previewLoads(!!preview, full.data !== undefined)
      ? this.smallQuery().optimistic(preview, true)
      : undefined
    const isPreview = small?.data !== undefined
    const data = isPreview ? small!.data : full.data
    return {
      url: data?.url,
      blob: data?.blob,
      ...(full.status === 'error'
        ? { status: 'error', error: full.error }
        : { status: full.status, error: null }),
      isLoading: full.isLoading,
      isError: full.isError,
      isFetching: full.isFetching,
      isPlaceholderData: full.isPlaceholderData,
      isPreview,
      progress: options.trackProgress && record ? this.full.progress(record) : undefined,
    }
  }

  protected commit(options: ImageQueryObserverOptions): void {
    const { record: requested } = options
    this.hold = followHold(
      this.hold,
      requested ? versionKey(requested) : undefined,
      this.client.getClearEpoch(),
    )
    const record = this.unheld(requested)
    const full = this.full.set(record, options.enabled !== false, options.retryOnMount)
    const preview = this.previewOf(options, record)
    if (preview || this.small)
      this.smallQuery().set(preview, previewLoads(!!preview, full.data !== undefined))
    const sources: Source[] = []
    if (options.trackProgress && record) sources.push(this.full.progressOf(record))
    sources.push(this.full.subscribe)
    if (this.small) sources.push(this.small.subscribe)
    this.follow(sources)
  }

  /** Loads the image again; after a logout it releases the hold, the only way (besides a new record or a new observer) to load it. */
  readonly refetch = async (): Promise<unknown> => {
    const { record } = this.options
    if (!isHeld(this.hold, record ? versionKey(record) : undefined, this.client.getClearEpoch()))
      return this.full.refetch()
    this.hold = { what: this.hold.what, since: this.client.getClearEpoch() }
    this.recommit()
  }

  /** Fetches the full image for a render that waits for it (Suspense). */
  fetchOptimistic(options: ImageQueryObserverOptions): Promise<unknown> {
    return this.full.fetchOptimistic(options.record ?? undefined)
  }

  private unheld(record: ImageRecord | null | undefined): ImageRecord | undefined {
    return record && !isHeld(this.hold, versionKey(record), this.client.getClearEpoch()) ? record : undefined
  }

  /** The preview, while there is a record to stand in for. */
  private previewOf(options: ImageQueryObserverOptions, record: ImageRecord | undefined) {
    return (record && options.preview) || undefined
  }

  private smallQuery(): ImageQuery {
    return (this.small ??= new ImageQuery(this.client, this.queryClient))
  }
}
