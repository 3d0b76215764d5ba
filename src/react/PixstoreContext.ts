import type { QueryClient } from '@tanstack/react-query'
import { createContext } from 'react'
import type { ImageService } from '../core/index.js'
import type { WorkerBridge, WorkerStatus } from '../sw/index.js'
import type { ObjectUrlRegistry } from './ObjectUrlRegistry.js'
import type { ProgressRegistry } from './ProgressRegistry.js'

/** What `<PixstoreProvider>` shares with its hooks. */
export interface PixstoreContextValue {
  service: ImageService
  queryClient: QueryClient
  urls: ObjectUrlRegistry
  progress: ProgressRegistry
  bridge: WorkerBridge
  /** `ready` when the worker controls the page and the bridge listens. */
  workerStatus: WorkerStatus
  /** Path prefix of worker URLs. */
  workerPrefix: string
  /** Counts image clears (logout), here or in another tab; images shown before one are held. */
  clearEpoch: number
}

export const PixstoreContext = createContext<PixstoreContextValue | null>(null)
