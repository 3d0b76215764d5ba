import { QueryClient } from '@tanstack/react-query'
import { Dexie } from 'dexie'
import { useEffect, useState, type ReactNode } from 'react'
import { PixstoreProvider, useWorkerStatus, type PixstoreConfig } from '../../src'
import { backendConfig, type StoryBackend } from './storyBackend'

export interface StoryProviderProps {
  backend: StoryBackend
  /** Merged over the backend's config. */
  config?: PixstoreConfig
  /** Use the service worker path. */
  worker?: boolean
  children?: ReactNode
}

let mounts = 0

function WorkerBadge() {
  const status = useWorkerStatus()
  return <span data-testid="worker-status">worker: {status}</span>
}

/**
 * Renders `children` once the worker controls the page: an image mounted while it registers
 * shows through its object URL.
 */
export function WhenWorkerReady({ children }: { children: ReactNode }) {
  return useWorkerStatus() === 'ready' ? children : null
}

/**
 * The provider every story renders in: a fresh, empty encrypted cache per mount, quick
 * retries (so error states show at once), and a line saying which backend answers.
 */
export function StoryProvider({ backend, config, worker = false, children }: StoryProviderProps) {
  const [dbName] = useState(() => `pixstore-story-${Date.now().toString(36)}-${mounts++}`)
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retryDelay: 10 } } }))
  useEffect(() => () => void Dexie.delete(dbName), [dbName])
  return (
    <div style={{ fontFamily: 'system-ui, sans-serif' }}>
      <p data-testid="backend" style={{ fontSize: 12, color: '#555', margin: '0 0 8px' }}>
        {backend.kind === 'live'
          ? 'Backend: the real pixstore 3 backend started with Storybook'
          : 'Backend: in-browser fixture (static build): real encryption and wire format, no server'}
      </p>
      <PixstoreProvider
        config={{ ...backendConfig(backend), ...config, cache: { dbName, ...config?.cache } }}
        queryClient={queryClient}
        // Generous worker timeouts (an answer, taking control): stories also run under a busy
        // test machine, where the default 3 s to take control is not always enough.
        serviceWorker={worker ? { timeout: 15_000, readyTimeout: 30_000 } : false}
        // Stories on one page must not hear each other's logouts.
        channel={worker ? undefined : dbName}
      >
        <p style={{ fontSize: 12, color: '#555', margin: '0 0 8px' }}>
          <WorkerBadge />
        </p>
        {children}
      </PixstoreProvider>
    </div>
  )
}
