import { useLiveQuery } from 'dexie-react-hooks'
import type { ImageStoreStats } from '../core/index.js'
import { usePixstoreContext } from './usePixstoreContext.js'

/**
 * Entries and ciphertext bytes in the encrypted cache, updating live, also when another
 * tab changes it. `undefined` until the first read.
 */
export function useImageCacheStats(): ImageStoreStats | undefined {
  const { service } = usePixstoreContext().client
  return useLiveQuery(() => service.liveStats(), [service])
}
