import type { WorkerStatus } from '../sw/index.js'
import { usePixstoreContext } from './usePixstoreContext.js'

/**
 * The service worker's status: `ready` when `<SecureImage>` renders `/_img/...` URLs,
 * `unsupported`, `registering` or `failed` when it uses object URLs.
 */
export function useWorkerStatus(): WorkerStatus {
  return usePixstoreContext().workerStatus
}
