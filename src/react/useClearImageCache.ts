import { useCallback } from 'react'
import { IMAGE_QUERY_PREFIX } from './imageQueryOptions.js'
import { usePixstoreContext } from './usePixstoreContext.js'

/**
 * Returns `clearImageCache()`: empties the encrypted cache and the worker's Cache Storage,
 * makes the worker drop its keys, revokes every object URL and resets every image query,
 * so shown images refetch (use it on logout).
 */
export function useClearImageCache(): () => Promise<void> {
  const { service, urls, queryClient, bridge } = usePixstoreContext()
  return useCallback(async () => {
    await Promise.all([service.clear(), bridge.clear()])
    urls.revokeAll()
    await queryClient.resetQueries({ queryKey: IMAGE_QUERY_PREFIX })
  }, [service, urls, queryClient, bridge])
}
