import { useCallback } from 'react'
import { usePixstoreContext } from './usePixstoreContext.js'

/**
 * Returns `clearImageCache()` (use it on logout): aborts every image load in flight, empties
 * the encrypted cache and the worker's Cache Storage, makes the worker drop its keys,
 * revokes every object URL and empties every image query, in this tab and in every other.
 * Images still mounted show their placeholder and fetch nothing until they remount, get a
 * new record, or are asked to (`refetch`, `retry`).
 */
export function useClearImageCache(): () => Promise<void> {
  const { client } = usePixstoreContext()
  return useCallback(() => client.clear(), [client])
}
