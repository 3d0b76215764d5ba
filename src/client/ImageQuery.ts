import {
  onlineManager,
  QueryObserver,
  skipToken,
  type QueryClient,
  type QueryObserverOptions,
  type QueryObserverResult,
} from '@tanstack/query-core'
import {
  bytesToBase64,
  isPixstoreError,
  PixstoreError,
  type DownloadProgress,
  type ImageRecord,
} from '../core/internal.js'
import type { Source } from './ClientObserver.js'
import type { PixstoreClient } from './PixstoreClient.js'

/** The data of an image query: the decrypted blob and the URL that shows it. */
export interface ImageData {
  blob: Blob
  /** Its object URL; a `data:` URL for an SVG, whose object URL opened in a tab would run its script in the app's origin. */
  url: string
}

/** Query key of a record's image: a token is an immutable version, so it is in the key. */
export function imageQueryKey(record: Pick<ImageRecord, 'id' | 'token'>) {
  return ['pixstore', 'image', record.id, record.token] as const
}

/** The key of an image query. */
export type ImageQueryKey = ReturnType<typeof imageQueryKey>

/** The image id an image query's key names (`imageQueryKey`'s layout, read in one place). */
function imageIdOf(queryKey: readonly unknown[]): unknown {
  return queryKey[2]
}

/** Options of an image query, as a `QueryObserver` takes them. */
export type ImageQueryOptions = QueryObserverOptions<
  ImageData,
  PixstoreError,
  ImageData,
  ImageData,
  ImageQueryKey
>

/** Prefix of every image query key. */
export const IMAGE_QUERY_PREFIX = ['pixstore', 'image'] as const

const MAX_RETRIES = 3

/**
 * The query of a record's image, written once for every observer: key, fetch, retry policy.
 * Only codes that can heal are retried, and none while the browser is offline; errors are
 * always `PixstoreError`s.
 */
export function imageQueryOptions(
  client: PixstoreClient,
  queryClient: QueryClient,
  record: ImageRecord,
): ImageQueryOptions {
  return {
    queryKey: imageQueryKey(record),
    queryFn: async ({ signal, queryKey }) => {
      // The hash the cache gave the query (an app's queryKeyHashFn included), found without
      // `find`, which hashes every query in the cache: a gallery of n images paid n² hashes.
      const hash = queryClient.defaultQueryOptions({ queryKey }).queryHash!
      // Streaming costs a render per chunk: only when a component shows the progress.
      const { progress, service, urls } = client
      const onProgress = progress.watched(hash)
        ? (received: DownloadProgress) => progress.report(hash, received)
        : undefined
      try {
        const blob = await service.getImage(record, { signal, onProgress })
        return { blob, url: (await scriptFreeUrl(blob)) ?? urls.create(hash, blob) }
      } catch (error) {
        throw isPixstoreError(error) ? error : new PixstoreError('storage', String(error), { cause: error })
      } finally {
        progress.clear(hash)
      }
    },
    staleTime: Infinity,
    structuralSharing: false,
    // Offline, an image seen before still comes from the encrypted cache, which needs no
    // network: the query runs ('online' would pause it until the network returns). One never
    // seen fails at once with a typed `network` error, and the reconnect fetches it again (a
    // query without data is stale; TanStack turns `refetchOnReconnect` off for 'always' unless set).
    networkMode: 'always',
    refetchOnReconnect: true,
    retry: (failures, error) => error.retryable && failures < MAX_RETRIES && onlineManager.isOnline(),
  }
}

/**
 * The `data:` URL of an image whose type runs script when opened in a tab (SVG, and anything
 * not an image), or `undefined` for the rest, which show through object URLs. An object URL
 * opened in a tab is a document of the app's origin, and no header can sandbox it; a `data:`
 * URL's document has an origin of its own.
 */
export async function scriptFreeUrl(blob: Blob): Promise<string | undefined> {
  if (blob.type !== 'image/svg+xml' && blob.type.startsWith('image/')) return undefined
  return `data:${blob.type};base64,${bytesToBase64(new Uint8Array(await blob.arrayBuffer()))}`
}

const DISABLED_KEY = imageQueryKey({ id: '', token: -1 })

type Result = QueryObserverResult<ImageData, PixstoreError>

type Observer = QueryObserver<ImageData, PixstoreError, ImageData, ImageData, ImageQueryKey>
type DefaultedOptions = Parameters<Observer['getOptimisticResult']>[0]

/**
 * One record's image query, as the observers read it: TanStack's `QueryObserver` over
 * `imageQueryOptions`, held (no fetch, an empty key) without a record or while not enabled.
 * A new token of the same id keeps showing the old image until it has loaded.
 */
export class ImageQuery {
  private readonly observer: Observer
  /** The options made last and the ones before, with what they were made of. */
  private made: Array<[ImageRecord | undefined, string, DefaultedOptions]> = []
  private progressSource: { hash: string; source: Source } | undefined

  constructor(
    private readonly client: PixstoreClient,
    private readonly queryClient: QueryClient,
  ) {
    this.observer = new QueryObserver(queryClient, this.options(undefined, false))
  }

  /** Listens to the query; the first listener fetches it if it should (TanStack's mount). */
  readonly subscribe: Source = (listener) => this.observer.subscribe(listener)

  /** What a render for these options shows, starting nothing. */
  optimistic(record: ImageRecord | undefined, enabled: boolean, retryOnMount = true): Result {
    return this.observer.getOptimisticResult(this.options(record, enabled, retryOnMount))
  }

  /** Follows these options (fetching if they say so) and returns the result. */
  set(record: ImageRecord | undefined, enabled: boolean, retryOnMount = true): Result {
    this.observer.setOptions(this.options(record, enabled, retryOnMount))
    return this.observer.getCurrentResult()
  }

  /** Fetches the image again. */
  refetch(): Promise<unknown> {
    return this.observer.refetch()
  }

  /** Fetches the image for a render that waits for it (Suspense). */
  fetchOptimistic(record: ImageRecord | undefined): Promise<unknown> {
    return this.observer.fetchOptimistic(this.options(record, true))
  }

  /** Bytes of `record` received so far, while its body downloads. */
  progress(record: ImageRecord): DownloadProgress | undefined {
    return this.client.progress.get(this.hash(record))
  }

  /** The download progress of `record`, as a source (listening turns the reports on). */
  progressOf(record: ImageRecord): Source {
    const hash = this.hash(record)
    if (this.progressSource?.hash !== hash)
      this.progressSource = { hash, source: (listener) => this.client.progress.subscribe(hash, listener) }
    return this.progressSource.source
  }

  /** The hash the cache gives the record's query, as its query function reports progress under. */
  private hash(record: ImageRecord): string {
    return this.queryClient.defaultQueryOptions({ queryKey: imageQueryKey(record) }).queryHash!
  }

  /**
   * The options for a record, made once while their inputs stay the same: every render and
   * commit asks for them, and options that are the same object let the QueryObserver skip its work.
   */
  private options(record: ImageRecord | undefined, enabled: boolean, retryOnMount = true): DefaultedOptions {
    const flags = `${enabled} ${retryOnMount}`
    const made = this.made.find(([r, f]) => r === record && f === flags)
    if (made) return made[2]
    const base = record ? imageQueryOptions(this.client, this.queryClient, record) : undefined
    const options = this.queryClient.defaultQueryOptions({
      ...(base ?? { queryKey: DISABLED_KEY }),
      queryFn: base && enabled ? base.queryFn : skipToken,
      placeholderData: (previous: ImageData | undefined, previousQuery) =>
        previousQuery && imageIdOf(previousQuery.queryKey) === record?.id ? previous : undefined,
      ...(!retryOnMount && { retryOnMount: false }),
      // TanStack's private option, set as useQuery sets it: a render before the commit already
      // shows the fetch the commit starts (a reset error boundary sees it fetching, not the old
      // error). useImage's QueryErrorResetBoundary test and the object URL grid fail without it.
      _optimisticResults: 'optimistic',
    })
    this.made = [[record, flags, options], ...this.made.slice(0, 1)]
    return options
  }
}
