import { skipToken, useQuery } from '@tanstack/react-query'
import type { ImageRecord, PixstoreError } from '../core/index.js'
import { imageQueryKey, imageQueryOptions } from './imageQueryOptions.js'
import { usePixstoreContext } from './usePixstoreContext.js'

const DISABLED_KEY = imageQueryKey({ id: '', token: -1 })

/** Options of `useImage`. */
export interface UseImageOptions {
  /** Set false to hold the query. @default true */
  enabled?: boolean
}

/** What `useImage` returns. */
export interface UseImageResult {
  /** Object URL of the decrypted image; the previous version's while a new token loads. */
  url: string | undefined
  blob: Blob | undefined
  status: 'pending' | 'error' | 'success'
  error: PixstoreError | null
  isLoading: boolean
  isError: boolean
  /** True while the previous token's image stands in for the new one. */
  isPlaceholderData: boolean
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
  const context = usePixstoreContext()
  const base = record ? imageQueryOptions(context, record) : undefined
  const query = useQuery(
    {
      ...(base ?? { queryKey: DISABLED_KEY }),
      queryFn: base && options.enabled !== false ? base.queryFn : skipToken,
      placeholderData: (previous, previousQuery) =>
        previousQuery?.queryKey[2] === record?.id ? previous : undefined,
    },
    context.queryClient,
  )
  return {
    url: query.data?.url,
    blob: query.data?.blob,
    status: query.status,
    error: query.error,
    isLoading: query.isLoading,
    isError: query.isError,
    isPlaceholderData: query.isPlaceholderData,
    refetch: query.refetch,
  }
}
