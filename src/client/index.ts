export { PixstoreClient } from './PixstoreClient.js'
export type { PixstoreClientOptions } from './PixstoreClient.js'
export { ImageSwap } from './ImageSwap.js'
export type { ImageSwapState } from './ImageSwap.js'
