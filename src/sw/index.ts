export { SW_MESSAGE, SW_CHANNEL, SW_PREFIX, SW_CACHE_NAME, SW_SCRIPT_URL } from './messages.js'
export { writeWorkerOptions, readWorkerOptions } from './workerOptionsQuery.js'
export type { WorkerScriptOptions } from './workerOptionsQuery.js'
export type {
  SwMessageType,
  SwMessage,
  ImageRequestMessage,
  ImageResponseMessage,
  KeyRequestMessage,
  KeyResponseMessage,
  EvictMessage,
  ClearMessage,
  ClearedMessage,
  BridgeReadyMessage,
  RecordsMessage,
  WorkerLoadSource,
  ServedMessage,
  ServedReport,
} from './messages.js'
export { imageUrl, parseImageUrl, MAX_ID_LENGTH, RECORD_HANDED } from './imageUrl.js'
export type { ParsedImageUrl } from './imageUrl.js'
export { PixstoreWorker } from './PixstoreWorker.js'
export type { PixstoreWorkerOptions } from './PixstoreWorkerOptions.js'
export { ServedReports } from './ServedReports.js'
export type { WorkerClients } from './ServedReports.js'
export { EncryptedCache } from './EncryptedCache.js'
export { WorkerBridge } from './WorkerBridge.js'
export { WorkerLoads } from './WorkerLoads.js'
export type { OwnLoad, WorkerLoadsOptions } from './WorkerLoads.js'
export { workerLoadSource } from './workerLoadSource.js'
export { countWorkerAnswers } from './countWorkerAnswers.js'
export type { WorkerBridgeOptions } from './WorkerBridge.js'
export {
  registerPixstoreWorker,
  workerScriptUrl,
  isControlledBy,
  workerContainer,
} from './registerPixstoreWorker.js'
export { createWorkerStatusStore } from './createWorkerStatusStore.js'
export type { WorkerStatusStore } from './createWorkerStatusStore.js'
export type {
  RegisterPixstoreWorkerOptions,
  PixstoreWorkerHandle,
  WorkerStatus,
} from './registerPixstoreWorker.js'
