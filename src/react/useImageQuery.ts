import { hashKey, skipToken, useQuery } from '@tanstack/react-query'
import { useCallback, useSyncExternalStore } from 'react'
import type { DownloadProgress, ImageRecord } from '../core/index.js'
import { imageQueryKey, imageQueryOptions } from './imageQueryOptions.js'
import { usePixstoreContext } from './usePixstoreContext.js'

const DISABLED_KEY = imageQueryKey({ id: '', token: -1 })

const noSubscription = () => () => undefined

/**
 * The one base of the image hooks: the query of one record (held while `enabled` is
 * false) and, with `trackProgress`, its download progress (a render per chunk, so only
 * when asked).
 */
export function useImageQuery(
  record: ImageRecord | null | undefined,
  enabled: boolean,
  trackProgress = false,
) {
  const context = usePixstoreContext()
  const base = record ? imageQueryOptions(context, record) : undefined
  // Subscribed before the query, so a fetch it starts knows its progress is watched.
  const hash = base ? hashKey(base.queryKey) : ''
  const subscribe = useCallback(
    (listener: () => void) => context.client.progress.subscribe(hash, listener),
    [context.client, hash],
  )
  const progress = useSyncExternalStore<DownloadProgress | undefined>(
    trackProgress ? subscribe : noSubscription,
    () => (trackProgress ? context.client.progress.get(hash) : undefined),
    () => undefined,
  )
  const query = useQuery(
    {
      ...(base ?? { queryKey: DISABLED_KEY }),
      queryFn: base && enabled ? base.queryFn : skipToken,
      placeholderData: (previous, previousQuery) =>
        previousQuery?.queryKey[2] === record?.id ? previous : undefined,
    },
    context.queryClient,
  )
  return { query, progress }
}
