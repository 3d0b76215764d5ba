import type { QueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import type { PixstoreClient } from '../client/index.js'
import { IMAGE_QUERY_PREFIX } from './imageQueryOptions.js'

const isImageQuery = (key: readonly unknown[]) =>
  key[0] === IMAGE_QUERY_PREFIX[0] && key[1] === IMAGE_QUERY_PREFIX[1]

/**
 * Ties the image queries of `queryClient` to `client`: a query that leaves the cache
 * revokes its object URL, and a clear (here or in another tab) empties every image query
 * without a refetch. With `owned`, unmounting also drops the image queries and closes the
 * client, a task later so that strict mode's remount keeps everything.
 */
export function useImageQueryLifecycle(
  client: PixstoreClient,
  queryClient: QueryClient,
  owned: boolean,
): void {
  useEffect(
    () =>
      client.subscribeClears(() => {
        void queryClient.cancelQueries({ queryKey: IMAGE_QUERY_PREFIX })
        for (const query of queryClient.getQueryCache().findAll({ queryKey: IMAGE_QUERY_PREFIX }))
          query.reset()
      }),
    [client, queryClient],
  )

  useEffect(() => {
    const disposal = disposals.get(client)
    clearTimeout(disposal)
    const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === 'removed' && isImageQuery(event.query.queryKey))
        client.urls.revoke(event.query.queryHash)
    })
    return () => {
      unsubscribe()
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
