import { PixstoreError } from '../core/index.js'

/** The error of a request from before a clear: it answers 504. */
// Stryker disable next-line StringLiteral: the request answers 504 by its code; the message is never shown
export const clearedError = () => new PixstoreError('aborted', 'The images were cleared')
