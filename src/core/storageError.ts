import { PixstoreError } from './PixstoreError.js'

/** `error` as a `storage` error saying `what` failed; a `PixstoreError` is kept as it is. */
export function storageError(error: unknown, what: string): PixstoreError {
  return error instanceof PixstoreError
    ? error
    : new PixstoreError('storage', `${what} failed`, { cause: error })
}
