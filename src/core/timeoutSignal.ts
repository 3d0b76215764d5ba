import { PixstoreError } from './PixstoreError.js'

/**
 * A signal that aborts with a `timeout` error naming `what` after `ms`, or with `signal`'s
 * reason when it aborts first. Call `done` when the work is over: it stops the timer.
 */
export function timeoutSignal(signal: AbortSignal, ms: number, what: string) {
  const controller = new AbortController()
  const timer = setTimeout(
    () => controller.abort(new PixstoreError('timeout', `No answer for ${what} in ${ms} ms`)),
    ms,
  )
  const onAbort = () => controller.abort(signal.reason)
  signal.addEventListener('abort', onAbort)
  const done = () => {
    clearTimeout(timer)
    // Stryker disable next-line StringLiteral: `signal` is a load's own, dropped with it; removing only frees early
    signal.removeEventListener('abort', onAbort)
  }
  return { signal: controller.signal, done }
}
