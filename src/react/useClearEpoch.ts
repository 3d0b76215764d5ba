import { useSyncExternalStore } from 'react'
import { usePixstoreContext } from './usePixstoreContext.js'

/** How many clears (logouts) the provider's client has seen, here or in another tab. */
export function useClearEpoch(): number {
  const { client } = usePixstoreContext()
  return useSyncExternalStore(client.subscribeClears, client.getClearEpoch, client.getClearEpoch)
}
