export { PixstoreClient } from './PixstoreClient.js'
export type { PixstoreClientOptions } from './PixstoreClient.js'
