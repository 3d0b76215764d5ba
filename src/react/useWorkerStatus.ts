import { useSyncExternalStore } from 'react'
import type { WorkerStatus } from '../window/index.js'
import { usePixstoreContext } from './usePixstoreContext.js'

const onServer = (): WorkerStatus => 'unsupported'

/**
 * The service worker's status: `ready` when `<SecureImage>` renders `/_img/...` URLs,
 * `unsupported`, `registering` or `failed` when it uses object URLs.
 */
export function useWorkerStatus(): WorkerStatus {
  const { client } = usePixstoreContext()
  return useSyncExternalStore(client.subscribeWorkerStatus, client.getWorkerStatus, onServer)
}
