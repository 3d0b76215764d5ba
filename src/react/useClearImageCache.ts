import { useCallback } from 'react'
import { IMAGE_QUERY_PREFIX } from './imageQueryOptions.js'
import { usePixstoreContext } from './usePixstoreContext.js'

/**
 * Returns `clearImageCache()`: empties the encrypted cache, revokes every object URL and
 * resets every image query, so shown images refetch (use it on logout).
 */
export function useClearImageCache(): () => Promise<void> {
  const { service, urls, queryClient } = usePixstoreContext()
  return useCallback(async () => {
    await service.clear()
    urls.revokeAll()
    await queryClient.resetQueries({ queryKey: IMAGE_QUERY_PREFIX })
  }, [service, urls, queryClient])
}
