export { WorkerBridge } from './WorkerBridge.js'
export type { WorkerBridgeOptions } from './WorkerBridge.js'
export { workerLoadSource } from './workerLoadSource.js'
export { countWorkerAnswers } from './countWorkerAnswers.js'
export {
  registerPixstoreWorker,
  workerScriptUrl,
  isControlledBy,
  workerContainer,
  whenWindowLoaded,
} from './registerPixstoreWorker.js'
export type {
  RegisterPixstoreWorkerOptions,
  PixstoreWorkerHandle,
  WorkerStatus,
} from './registerPixstoreWorker.js'
export { createWorkerStatusStore } from './createWorkerStatusStore.js'
export type { WorkerStatusStore } from './createWorkerStatusStore.js'
export { WorkerWarmer } from './WorkerWarmer.js'
export type { WorkerWarmerOptions } from './WorkerWarmer.js'
