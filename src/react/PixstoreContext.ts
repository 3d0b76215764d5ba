import type { QueryClient } from '@tanstack/react-query'
import { createContext } from 'react'
import type { ImageService } from '../core/index.js'
import type { ObjectUrlRegistry } from './ObjectUrlRegistry.js'

/** Whether `<SecureImage>` can use `/_img/...` URLs answered by the service worker. */
export type WorkerStatus = 'unsupported' | 'registering' | 'ready' | 'failed'

/** What `<PixstoreProvider>` shares with its hooks. */
export interface PixstoreContextValue {
  service: ImageService
  queryClient: QueryClient
  urls: ObjectUrlRegistry
  workerStatus: WorkerStatus
  /** Path prefix of worker URLs. */
  workerPrefix: string
}

export const PixstoreContext = createContext<PixstoreContextValue | null>(null)
