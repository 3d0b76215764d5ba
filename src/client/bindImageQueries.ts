import type { QueryClient } from '@tanstack/query-core'
import { IMAGE_QUERY_PREFIX } from './ImageQuery.js'
import type { PixstoreClient } from './PixstoreClient.js'

const isImageQuery = (key: readonly unknown[]) =>
  key[0] === IMAGE_QUERY_PREFIX[0] && key[1] === IMAGE_QUERY_PREFIX[1]

/**
 * Ties the image queries of `queryClient` to `client`: a query that leaves the cache revokes
 * its object URL, and a clear (here or in another tab) empties every image query without a
 * refetch, so no decrypted image outlives a logout in the query cache. Returns what unties them.
 */
export function bindImageQueries(client: PixstoreClient, queryClient: QueryClient): () => void {
  const stopClears = client.subscribeClears(() => {
    void queryClient.cancelQueries({ queryKey: IMAGE_QUERY_PREFIX })
    for (const query of queryClient.getQueryCache().findAll({ queryKey: IMAGE_QUERY_PREFIX })) query.reset()
  })
  const stopRemovals = queryClient.getQueryCache().subscribe((event) => {
    if (event.type === 'removed' && isImageQuery(event.query.queryKey))
      client.urls.revoke(event.query.queryHash)
  })
  return () => {
    stopClears()
    stopRemovals()
  }
}
