export { SW_MESSAGE, SW_CHANNEL } from './messages.js'
export type { SwMessageType } from './messages.js'
