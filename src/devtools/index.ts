export { PixstoreDevtools } from './PixstoreDevtools.js'
export type { PixstoreDevtoolsProps } from './PixstoreDevtools.js'
