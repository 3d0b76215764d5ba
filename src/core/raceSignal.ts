import { abortError } from './abortError.js'

/**
 * `promise`, unless `signal` aborts first: then it rejects at once with `abortError(signal)`
 * whatever `promise` does later, and `onAbort` runs. Leaves no listener on `signal` once
 * either has happened.
 */
export function raceSignal<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: () => void = () => undefined,
): Promise<T> {
  if (!signal) return promise
  if (signal.aborted) {
    onAbort()
    // Its failure is nobody's now; unobserved, it would surface as an unhandled rejection.
    promise.catch(() => undefined)
    return Promise.reject(abortError(signal))
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort()
      reject(abortError(signal))
    }
    signal.addEventListener('abort', abort)
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort)
        reject(error)
      },
    )
  })
}
