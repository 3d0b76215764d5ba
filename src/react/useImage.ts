import type { ImageRecord } from '../core/index.js'
import { ImageQueryObserver, type ImageQueryObserverOptions, type ImageQueryResult } from '../client/index.js'
import { useObserver } from './useObserver.js'

/** Options of `useImage`. */
export type UseImageOptions = Omit<ImageQueryObserverOptions, 'record' | 'retryOnMount'>

/** What `useImage` returns; `status === 'error'` narrows `error` to a `PixstoreError`. */
export type UseImageResult = ImageQueryResult & {
  /** Loads the image again; after a logout, the only way (besides a new record or a remount) to load it. */
  refetch: () => Promise<unknown>
}

/**
 * The decrypted image of a record as a React Query query keyed
 * `['pixstore', 'image', id, token]`. `null` or `undefined` disables it.
 */
export function useImage(
  record: ImageRecord | null | undefined,
  options: UseImageOptions = {},
): UseImageResult {
  const [result, observer] = useObserver(
    ({ client, queryClient }, initial) => new ImageQueryObserver(client, queryClient, initial),
    { ...options, record },
  )
  return { ...result, refetch: observer.refetch }
}
