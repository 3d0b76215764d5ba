import { checkOption } from './checkOption.js'

interface Waiter {
  start: () => void
}

/**
 * Bounds the requests in flight. Callers past the limit wait in order; one whose signal
 * aborts while waiting leaves the queue and never starts, so a cancelled load makes no
 * request at all.
 */
export class FetchLimiter {
  private active = 0
  private readonly waiting: Waiter[] = []

  /**
   * @param option The option `limit` comes from, named in its error.
   * @throws `invalid-option` unless `limit` is a whole number of at least 1.
   */
  constructor(
    private readonly limit: number,
    option = 'maxConcurrentFetches',
  ) {
    checkOption(option, limit, { min: 1 })
  }

  /** Requests running now. */
  get running(): number {
    return this.active
  }

  /** Resolves with a `release` function once a slot is free; rejects if `signal` aborts first. */
  acquire(signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted()
    let released = false
    const release = () => {
      if (released) return
      released = true
      this.active--
      this.waiting.shift()?.start()
    }
    if (this.active < this.limit) {
      this.active++
      return Promise.resolve(release)
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          signal.removeEventListener('abort', onAbort)
          this.active++
          resolve(release)
        },
      }
      // Removed when the waiter starts, so it runs only for a waiter still in the queue.
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1)
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort)
      this.waiting.push(waiter)
    })
  }
}
