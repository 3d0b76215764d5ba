import { useCallback } from 'react'
import { usePixstoreContext } from './usePixstoreContext.js'

/**
 * Returns `clearImageCache()` (use it on logout): empties the encrypted cache and the
 * worker's Cache Storage, makes the worker drop its keys, revokes every object URL and
 * resets every image query, so shown images refetch. Other tabs drop theirs too and refetch
 * when next viewed.
 */
export function useClearImageCache(): () => Promise<void> {
  const { service, bridge } = usePixstoreContext()
  return useCallback(async () => {
    await Promise.all([service.clear(), bridge.clear()])
  }, [service, bridge])
}
