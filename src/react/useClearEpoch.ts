import { useSyncExternalStore } from 'react'
import { usePixstoreContext } from './usePixstoreContext.js'

const noSubscription = () => () => undefined

/**
 * How many clears (logouts) the provider's client has seen, here or in another tab. With
 * `watch` false it reads the count without listening (nothing on screen depends on it).
 */
export function useClearEpoch(watch = true): number {
  const { client } = usePixstoreContext()
  return useSyncExternalStore(
    watch ? client.subscribeClears : noSubscription,
    client.getClearEpoch,
    client.getClearEpoch,
  )
}
