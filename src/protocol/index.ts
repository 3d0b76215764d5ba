export {
  SW_MESSAGE,
  SW_CHANNEL,
  SW_PREFIX,
  SW_CACHE_NAME,
  SW_SCRIPT_URL,
  isRecordsMessage,
  isClearMessage,
  isPingMessage,
} from './messages.js'
export type {
  SwMessageType,
  SwMessage,
  FailedResponse,
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
  PingMessage,
} from './messages.js'
export { imageUrl, parseImageUrl, MAX_ID_LENGTH, RECORD_HANDED } from './imageUrl.js'
export type { ParsedImageUrl, ImageUrlPage } from './imageUrl.js'
export { writeWorkerOptions, readWorkerOptions } from './workerOptionsQuery.js'
export type { WorkerScriptOptions } from './workerOptionsQuery.js'
export { LruMap } from './LruMap.js'
