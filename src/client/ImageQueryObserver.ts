import { QueryObserver, skipToken, type QueryClient } from '@tanstack/query-core'
import { versionKey, type DownloadProgress, type ImageRecord, type PixstoreError } from '../core/internal.js'
import { ClearHold } from './ClearHold.js'
import { ClientObserver, type Source } from './ClientObserver.js'
import {
  imageIdOf,
  imageQueryKey,
  imageQueryOptions,
  type ImageData,
  type ImageQueryKey,
} from './imageQueryOptions.js'
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

const DISABLED_KEY = imageQueryKey({ id: '', token: -1 })

type ImageQuery = QueryObserver<ImageData, PixstoreError, ImageData, ImageData, ImageQueryKey>
type ImageQueryDefaultedOptions = Parameters<ImageQuery['getOptimisticResult']>[0]

/**
 * One record's image as a React Query query, without React (as TanStack Query's
 * `QueryObserver`, which it wraps): the decrypted image, its preview while the full one
 * loads, download progress, and the hold after a logout (`ClearHold`).
 */
export class ImageQueryObserver extends ClientObserver<ImageQueryObserverOptions, ImageQueryResult> {
  private readonly full: ImageQuery
  private small: ImageQuery | undefined
  private progressSource: { hash: string; source: Source } | undefined
  private made: Array<{
    record: ImageRecord | undefined
    enabled: boolean
    retryOnMount: boolean
    options: ImageQueryDefaultedOptions
  }> = []
  private readonly fullSource: Source = (listener) => this.full.subscribe(listener)
  private readonly smallSource: Source = (listener) => this.small!.subscribe(listener)
  private readonly clearsSource: Source = (listener) => this.client.subscribeClears(listener)

  constructor(
    private readonly client: PixstoreClient,
    private readonly queryClient: QueryClient,
    options: ImageQueryObserverOptions,
    /** Shared with an owner that holds the same record. @default its own */
    readonly hold = new ClearHold(client),
  ) {
    super(options)
    this.full = new QueryObserver(queryClient, this.queryOptions(undefined, false))
  }

  getOptimisticResult(options: ImageQueryObserverOptions): ImageQueryResult {
    const record = this.heldOr(options.record)
    const full = this.full.getOptimisticResult(this.queryOptions(record, options.enabled !== false, options))
    const preview = options.preview && record ? options.preview : undefined
    const small =
      preview && full.data === undefined
        ? this.smallQuery().getOptimisticResult(this.queryOptions(preview, true))
        : undefined
    const isPreview = full.data === undefined && small?.data !== undefined
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
      progress: options.trackProgress && record ? this.client.progress.get(this.hash(record)) : undefined,
    }
  }

  protected commit(options: ImageQueryObserverOptions): void {
    this.hold.follow(options.record ? versionKey(options.record) : undefined)
    const record = this.heldOr(options.record)
    this.full.setOptions(this.queryOptions(record, options.enabled !== false, options))
    const preview = options.preview && record ? options.preview : undefined
    if (preview || this.small)
      this.smallQuery().setOptions(
        this.queryOptions(preview, !!preview && this.full.getCurrentResult().data === undefined),
      )
    const sources: Source[] = []
    if (options.trackProgress && record) sources.push(this.progressOf(this.hash(record)))
    if (options.record) sources.push(this.clearsSource)
    sources.push(this.fullSource)
    if (this.small) sources.push(this.smallSource)
    this.follow(sources)
  }

  /** Loads the image again; after a logout it releases the hold, the only way (besides a new record or a new observer) to load it. */
  readonly refetch = async (): Promise<unknown> => {
    const { record } = this.options
    if (!this.hold.isHeld(record ? versionKey(record) : undefined)) return this.full.refetch()
    this.hold.release()
    this.recommit()
  }

  /** Fetches the full image for a render that waits for it (Suspense). */
  fetchOptimistic(options: ImageQueryObserverOptions): Promise<unknown> {
    return this.full.fetchOptimistic(this.queryOptions(options.record ?? undefined, true, options))
  }

  private heldOr(record: ImageRecord | null | undefined): ImageRecord | undefined {
    return record && !this.hold.isHeld(versionKey(record)) ? record : undefined
  }

  private smallQuery(): ImageQuery {
    return (this.small ??= new QueryObserver(this.queryClient, this.queryOptions(undefined, false)))
  }

  /** The hash the cache gives the record's query, as its query function reports progress under. */
  private hash(record: ImageRecord): string {
    return this.queryClient.defaultQueryOptions({ queryKey: imageQueryKey(record) }).queryHash!
  }

  private progressOf(hash: string): Source {
    if (this.progressSource?.hash !== hash)
      this.progressSource = { hash, source: (listener) => this.client.progress.subscribe(hash, listener) }
    return this.progressSource.source
  }

  /**
   * The query's options for a record, made once while their inputs stay the same: every
   * render and commit asks for them several times, and options that are the same object
   * let the QueryObserver skip its work.
   */
  private queryOptions(
    record: ImageRecord | undefined,
    enabled: boolean,
    options?: ImageQueryObserverOptions,
  ): ImageQueryDefaultedOptions {
    const retryOnMount = options?.retryOnMount !== false
    const made = this.made.find(
      (m) => m.record === record && m.enabled === enabled && m.retryOnMount === retryOnMount,
    )
    if (made) return made.options
    const fresh = this.makeQueryOptions(record, enabled, retryOnMount)
    // The full query's and the preview's, and the one before each.
    this.made = [{ record, enabled, retryOnMount, options: fresh }, ...this.made.slice(0, 3)]
    return fresh
  }

  private makeQueryOptions(record: ImageRecord | undefined, enabled: boolean, retryOnMount: boolean) {
    const base = record ? imageQueryOptions(this.client, this.queryClient, record) : undefined
    return this.queryClient.defaultQueryOptions({
      ...(base ?? { queryKey: DISABLED_KEY }),
      queryFn: base && enabled ? base.queryFn : skipToken,
      // A new token of the same id keeps showing the old image until it has loaded.
      placeholderData: (previous: ImageData | undefined, previousQuery) =>
        previousQuery && imageIdOf(previousQuery.queryKey) === record?.id ? previous : undefined,
      ...(!retryOnMount && { retryOnMount: false }),
      // TanStack's private option, set as useQuery sets it: a render before the commit already
      // shows the fetch the commit starts (a reset error boundary sees it fetching, not the old
      // error). useImage's QueryErrorResetBoundary test and the object URL grid fail without it.
      _optimisticResults: 'optimistic',
    })
  }
}
