import { QueryClient, QueryClientContext } from '@tanstack/react-query'
import { useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { PixstoreClient, type PixstoreClientOptions } from '../client/index.js'
import { PixstoreContext } from './PixstoreContext.js'
import { useImageQueryLifecycle } from './useImageQueryLifecycle.js'
import { useIsomorphicLayoutEffect } from './useIsomorphicLayoutEffect.js'

/** Props of `<PixstoreProvider>`. */
export interface PixstoreProviderProps extends PixstoreClientOptions {
  /**
   * A client the app made (for tests, or to use it outside React); `config`, `serviceWorker`
   * and `channel` are then its own, and the app closes it. @default one made from those
   * props, read once on mount (remount with a `key` to change them), closed on unmount
   */
  client?: PixstoreClient
  /** The app's QueryClient; its defaults are left alone. @default the nearest QueryClientProvider's, else its own */
  queryClient?: QueryClient
  children?: ReactNode
}

/**
 * Gives its hooks and `<SecureImage>`s one `PixstoreClient` and one QueryClient, neither of
 * which changes while it is mounted. Server rendering safe: nothing touches `window` during
 * render. Unmounting stops the bridge, and a client it made revokes every object URL, drops
 * its image queries and closes the store.
 */
export function PixstoreProvider({
  client: given,
  queryClient,
  children,
  ...options
}: PixstoreProviderProps) {
  const contextQueryClient = useContext(QueryClientContext)
  // Spares cost an empty object each; they are used only when nothing is given.
  const [ownQueryClient] = useState(() => new QueryClient())
  const [ownClient] = useState(() => (given ? undefined : new PixstoreClient(options)))
  const client = given ?? ownClient!
  const query = queryClient ?? contextQueryClient ?? ownQueryClient

  // A layout effect runs before any child's passive effect, so the bridge listens before the
  // first image request reaches the worker: a BroadcastChannel only hears messages posted
  // after it exists.
  useIsomorphicLayoutEffect(() => client.mount(), [client])
  useEffect(() => {
    if (query !== ownQueryClient) return
    query.mount()
    return () => query.unmount()
  }, [query, ownQueryClient])
  useImageQueryLifecycle(client, query, client === ownClient)

  const value = useMemo(() => ({ client, queryClient: query }), [client, query])
  return <PixstoreContext.Provider value={value}>{children}</PixstoreContext.Provider>
}
