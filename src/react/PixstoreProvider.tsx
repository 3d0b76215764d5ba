import { QueryClient, QueryClientContext } from '@tanstack/react-query'
import { useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react'
import { createImageService, type PixstoreConfig } from '../core/index.js'
import {
  createWorkerStatusStore,
  SW_PREFIX,
  WorkerBridge,
  type WorkerStatusStore,
  type RegisterPixstoreWorkerOptions,
  type WorkerStatus,
} from '../sw/index.js'
import { IMAGE_QUERY_PREFIX } from './imageQueryOptions.js'
import { ObjectUrlRegistry } from './ObjectUrlRegistry.js'
import { PixstoreContext, type PixstoreContextValue } from './PixstoreContext.js'
import { ProgressRegistry } from './ProgressRegistry.js'
import { useIsomorphicLayoutEffect } from './useIsomorphicLayoutEffect.js'

/** Props of `<PixstoreProvider>`. */
export interface PixstoreProviderProps {
  /** Image service configuration, read once on mount (remount with a `key` to change it). @default {} */
  config?: PixstoreConfig
  /** The app's QueryClient; its defaults are left alone. @default the nearest QueryClientProvider's, else its own */
  queryClient?: QueryClient
  /** Service worker options, read once on mount, or `false` for object URLs only. @default {} (registers '/pixstore-sw.js') */
  serviceWorker?: false | RegisterPixstoreWorkerOptions
  /**
   * BroadcastChannel shared with the worker and the app's other tabs (logouts reach them on
   * it), read once on mount. @default serviceWorker.channel, else 'pixstore'
   */
  channel?: string
  children?: ReactNode
}

const unsupported = (): WorkerStatus => 'unsupported'
const noSubscription = () => () => undefined

const isImageQuery = (key: readonly unknown[]) =>
  key[0] === IMAGE_QUERY_PREFIX[0] && key[1] === IMAGE_QUERY_PREFIX[1]

/**
 * Owns one image service, the object URLs of its queries, a QueryClient, the worker bridge
 * and the worker registration. Server rendering safe: nothing touches `window` during
 * render. Unmounting stops the bridge, revokes every object URL it made, drops its image
 * queries and closes the store.
 */
export function PixstoreProvider({
  config,
  queryClient,
  serviceWorker = {},
  channel,
  children,
}: PixstoreProviderProps) {
  const contextClient = useContext(QueryClientContext)
  // A spare client costs an empty object; it is used only without an app client.
  const [ownClient] = useState(() => new QueryClient())
  const client = queryClient ?? contextClient ?? ownClient
  const [parts] = useState(() => {
    const service = createImageService(config)
    const channelName = channel ?? (serviceWorker ? serviceWorker.channel : undefined)
    const bridge = new WorkerBridge({ service, channel: channelName })
    const worker: WorkerStatusStore | undefined =
      serviceWorker === false
        ? undefined
        : createWorkerStatusStore({
            imageFormats: config?.imageFormats,
            ...serviceWorker,
            channel: channelName,
          })
    const prefix = (serviceWorker && serviceWorker.prefix) || SW_PREFIX
    return {
      service,
      urls: new ObjectUrlRegistry(),
      progress: new ProgressRegistry(),
      bridge,
      worker,
      prefix,
    }
  })
  const workerStatus = useSyncExternalStore<WorkerStatus>(
    parts.worker?.subscribe ?? noSubscription,
    parts.worker?.getStatus ?? unsupported,
    unsupported,
  )
  const disposal = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const [clearEpoch, setClearEpoch] = useState(0)

  // A layout effect runs before any child's passive effect, so the bridge listens before the
  // first image request reaches the worker: a BroadcastChannel only hears messages posted
  // after it exists. Without a worker it still carries logouts between tabs.
  useIsomorphicLayoutEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return
    parts.bridge.start()
    return () => parts.bridge.stop()
  }, [parts])

  useEffect(
    () =>
      // A logout, here or in another tab: every image query is emptied without a refetch and
      // every shown image is held (`useClearHold`), so nothing comes back by itself.
      parts.bridge.onClear(() => {
        parts.urls.revokeAll()
        setClearEpoch((epoch) => epoch + 1)
        void client.cancelQueries({ queryKey: IMAGE_QUERY_PREFIX })
        for (const query of client.getQueryCache().findAll({ queryKey: IMAGE_QUERY_PREFIX })) query.reset()
      }),
    [client, parts],
  )

  useEffect(() => {
    // Strict mode unmounts and remounts at once: disposal waits a task so a remount keeps all.
    clearTimeout(disposal.current)
    if (client === ownClient) client.mount()
    const unsubscribe = client.getQueryCache().subscribe((event) => {
      if (event.type === 'removed' && isImageQuery(event.query.queryKey))
        parts.urls.revoke(event.query.queryHash)
    })
    return () => {
      unsubscribe()
      if (client === ownClient) client.unmount()
      disposal.current = setTimeout(() => {
        client.removeQueries({ queryKey: IMAGE_QUERY_PREFIX })
        parts.urls.revokeAll()
        void parts.service.close()
      }, 0)
    }
  }, [client, ownClient, parts])

  const value = useMemo<PixstoreContextValue>(
    () => ({
      service: parts.service,
      urls: parts.urls,
      progress: parts.progress,
      bridge: parts.bridge,
      queryClient: client,
      workerStatus,
      workerPrefix: parts.prefix,
      clearEpoch,
    }),
    [parts, client, workerStatus, clearEpoch],
  )
  return <PixstoreContext.Provider value={value}>{children}</PixstoreContext.Provider>
}
