import type { QueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { bindImageQueries, IMAGE_QUERY_PREFIX, type PixstoreClient } from '../client/index.js'

/**
 * Ties the image queries of `queryClient` to `client` while mounted (`bindImageQueries`).
 * With `owned`, unmounting also drops the image queries and closes the client, a task later
 * so that strict mode's remount keeps everything.
 */
export function useImageQueryLifecycle(
  client: PixstoreClient,
  queryClient: QueryClient,
  owned: boolean,
): void {
  useEffect(() => {
    clearTimeout(disposals.get(client))
    const unbind = bindImageQueries(client, queryClient)
    return () => {
      unbind()
      if (!owned) return
      disposals.set(
        client,
        setTimeout(() => {
          queryClient.removeQueries({ queryKey: IMAGE_QUERY_PREFIX })
          void client.close()
        }, 0),
      )
    }
  }, [client, queryClient, owned])
}

/** Closings waiting a task, by client: a remount in between cancels its own. */
const disposals = new WeakMap<PixstoreClient, ReturnType<typeof setTimeout>>()
