import { onlineManager, type QueryClient, type QueryObserverOptions } from '@tanstack/query-core'
import { isPixstoreError, PixstoreError, type DownloadProgress, type ImageRecord } from '../core/index.js'
import type { PixstoreClient } from './PixstoreClient.js'
import { scriptFreeUrl } from './scriptFreeUrl.js'

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
export function imageIdOf(queryKey: readonly unknown[]): unknown {
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
