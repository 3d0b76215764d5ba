import { hashKey, skipToken, useQuery } from '@tanstack/react-query'
import { useCallback, useSyncExternalStore } from 'react'
import type { DownloadProgress, ImageRecord } from '../core/index.js'
import { imageQueryKey, imageQueryOptions } from './imageQueryOptions.js'
import { usePixstoreContext } from './usePixstoreContext.js'

const DISABLED_KEY = imageQueryKey({ id: '', token: -1 })

/**
 * The one base of the image hooks: the query of one record (held while `enabled` is
 * false) and its download progress.
 */
export function useImageQuery(record: ImageRecord | null | undefined, enabled: boolean) {
  const context = usePixstoreContext()
  const base = record ? imageQueryOptions(context, record) : undefined
  const query = useQuery(
    {
      ...(base ?? { queryKey: DISABLED_KEY }),
      queryFn: base && enabled ? base.queryFn : skipToken,
      placeholderData: (previous, previousQuery) =>
        previousQuery?.queryKey[2] === record?.id ? previous : undefined,
    },
    context.queryClient,
  )
  const hash = base ? hashKey(base.queryKey) : ''
  const progress = useSyncExternalStore<DownloadProgress | undefined>(
    useCallback((listener) => context.progress.subscribe(hash, listener), [context.progress, hash]),
    () => context.progress.get(hash),
    () => undefined,
  )
  return { query, progress }
}
