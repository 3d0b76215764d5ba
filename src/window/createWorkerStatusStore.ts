import { Subscribable } from '../core/internal.js'
import {
  isControlledBy,
  registerPixstoreWorker,
  workerContainer,
  type RegisterPixstoreWorkerOptions,
  type WorkerStatus,
} from './registerPixstoreWorker.js'

/** The worker status as an external store (for `useSyncExternalStore`). */
export interface WorkerStatusStore {
  /** Registers the worker with the first listener. */
  subscribe(listener: () => void): () => void
  /**
   * `ready` when the worker controls the page. Before the first subscription this is read
   * from the controller, so a reload the worker already controls renders worker URLs from
   * the first render, and a first visit waits for registration.
   */
  getStatus(): WorkerStatus
}

/**
 * The status of the pixstore worker. Nothing is registered until the first `subscribe`,
 * so creating a store during render or on the server has no effect.
 */
export function createWorkerStatusStore(options: RegisterPixstoreWorkerOptions = {}): WorkerStatusStore {
  const changes = new Subscribable()
  let worker: ReturnType<typeof registerPixstoreWorker> | undefined
  return {
    getStatus: () => {
      if (worker) return worker.status
      const container = workerContainer(options)
      // Not subscribed yet: where workers exist, registration is about to start.
      if (!container) return 'unsupported'
      return isControlledBy(options, container) ? 'ready' : 'registering'
    },
    subscribe(listener) {
      const unsubscribe = changes.subscribe(listener)
      if (!worker) {
        worker = registerPixstoreWorker(options)
        worker.subscribe(() => changes.emit())
      }
      return unsubscribe
    },
  }
}
