export { SW_MESSAGE, SW_CHANNEL } from './messages'
export type { SwMessageType } from './messages'
