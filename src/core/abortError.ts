import { isPixstoreError, PixstoreError } from './PixstoreError.js'

/** What a load stopped by `signal` rejects with: its reason when typed, else `aborted`. */
export function abortError(signal: AbortSignal): PixstoreError {
  const reason: unknown = signal.reason
  if (isPixstoreError(reason)) return reason
  return new PixstoreError('aborted', 'The image request was aborted', { cause: reason })
}
