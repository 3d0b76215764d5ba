import { versionKey, type DownloadProgress, type ImageRecord, type PixstoreError } from '../core/index.js'
import { useClearHold } from './useClearHold.js'
import { useImageQuery } from './useImageQuery.js'

/** Options of `useImage`. */
export interface UseImageOptions {
  /** Set false to hold the query. @default true */
  enabled?: boolean
  /**
   * A small version of the image (an ordinary encrypted record) shown until the full one
   * has loaded. @default none
   */
  preview?: ImageRecord | null
  /** Re-render as the body downloads and report `progress`. @default false */
  trackProgress?: boolean
}

/** What `useImage` returns. */
export interface UseImageResult {
  /**
   * Object URL of the decrypted image; the preview's while the full image loads, the
   * previous version's while a new token loads.
   */
  url: string | undefined
  blob: Blob | undefined
  status: 'pending' | 'error' | 'success'
  error: PixstoreError | null
  isLoading: boolean
  isError: boolean
  /** True while the previous token's image stands in for the new one. */
  isPlaceholderData: boolean
  /** True while `url` is the preview's. */
  isPreview: boolean
  /** Bytes of the full image received so far, while its body downloads (with `trackProgress`). */
  progress: DownloadProgress | undefined
  /** Loads the image again; after a logout, the only way (besides a new record or a remount) to load it. */
  refetch: () => Promise<unknown>
}

/**
 * The decrypted image of a record as a React Query query keyed
 * `['pixstore', 'image', id, token]`. `null` or `undefined` disables it.
 */
export function useImage(
  record: ImageRecord | null | undefined,
  options: UseImageOptions = {},
): UseImageResult {
  const enabled = options.enabled !== false
  const hold = useClearHold(record ? versionKey(record) : undefined)
  const { query, progress } = useImageQuery(hold.held ? null : record, enabled, options.trackProgress)
  const preview = useImageQuery(
    hold.held ? null : options.preview,
    !!options.preview && query.data === undefined,
  ).query
  const isPreview = query.data === undefined && preview.data !== undefined
  return {
    url: isPreview ? preview.data!.url : query.data?.url,
    blob: isPreview ? preview.data!.blob : query.data?.blob,
    status: query.status,
    error: query.error,
    isLoading: query.isLoading,
    isError: query.isError,
    isPlaceholderData: query.isPlaceholderData,
    isPreview,
    progress,
    refetch: async () => (hold.held ? hold.release() : query.refetch()),
  }
}
