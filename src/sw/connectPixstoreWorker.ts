import {
  registerPixstoreWorker,
  type RegisterPixstoreWorkerOptions,
  type WorkerStatus,
} from './registerPixstoreWorker.js'
import type { WorkerBridge } from './WorkerBridge.js'

/** The worker status as an external store (for `useSyncExternalStore`). */
export interface PixstoreWorkerConnection {
  /** Starts the bridge and the registration with the first listener; stops the bridge after the last. */
  subscribe(listener: () => void): () => void
  /** `ready` only while the worker controls the page and the bridge listens. */
  getStatus(): WorkerStatus
}

/**
 * Ties a bridge to a worker registration. Nothing happens until the first `subscribe`, so
 * creating a connection during render or on the server has no effect.
 */
export function connectPixstoreWorker(
  bridge: WorkerBridge,
  options: RegisterPixstoreWorkerOptions = {},
): PixstoreWorkerConnection {
  const listeners = new Set<() => void>()
  let status: WorkerStatus = 'unsupported'
  let stop: (() => void) | undefined
  const notify = () => listeners.forEach((listener) => listener())

  return {
    getStatus: () => status,
    subscribe(listener) {
      listeners.add(listener)
      if (!stop) {
        bridge.start()
        const worker = registerPixstoreWorker(options)
        status = worker.status
        const unsubscribe = worker.subscribe((next) => {
          status = next
          notify()
        })
        stop = () => {
          unsubscribe()
          bridge.stop()
          status = 'unsupported'
        }
        queueMicrotask(notify)
      }
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0 && stop) {
          stop()
          stop = undefined
        }
      }
    },
  }
}
