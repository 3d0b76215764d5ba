import { useQueryErrorResetBoundary } from '@tanstack/react-query'
import { useEffect } from 'react'
import { ImageQueryObserver, type ImageData } from '../client/index.js'
import type { ImageRecord } from '../core/index.js'
import { useObserver } from './useObserver.js'

/**
 * `useImage` for Suspense: suspends while loading and throws errors to the nearest boundary.
 * After an error, only a reset of React Query's `QueryErrorResetBoundary` fetches again, as
 * with `useSuspenseQuery`.
 */
export function useSuspenseImage(record: ImageRecord): ImageData {
  const boundary = useQueryErrorResetBoundary()
  const options = { record, retryOnMount: boundary.isReset() }
  const [result, observer] = useObserver(
    ({ client, queryClient }, initial) => new ImageQueryObserver(client, queryClient, initial),
    options,
  )
  useEffect(() => boundary.clearReset(), [boundary])
  if (result.status === 'error' && !result.isFetching) throw result.error
  if (result.status !== 'success') throw observer.fetchOptimistic(options).catch(() => boundary.clearReset())
  return { blob: result.blob!, url: result.url! }
}
