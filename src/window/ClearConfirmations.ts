/**
 * The page's clears waiting for the worker to confirm them (`CLEARED`), by clear id: a
 * stopped worker hears nothing and holds nothing either, so each wait ends after `timeout`.
 */
export class ClearConfirmations {
  private readonly waiting = new Map<string, () => void>()

  constructor(private readonly timeout: number) {}

  /** Resolves when `clearId` is confirmed, or after the timeout. */
  wait(clearId: string): Promise<void> {
    return new Promise((resolve) => {
      const confirmed = () => {
        clearTimeout(timer)
        this.waiting.delete(clearId)
        resolve()
      }
      const timer = setTimeout(confirmed, this.timeout)
      this.waiting.set(clearId, confirmed)
    })
  }

  /** The worker confirmed `clearId`. */
  confirm(clearId: string): void {
    this.waiting.get(clearId)?.()
  }
}
