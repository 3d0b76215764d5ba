import type { PixstoreClient } from './PixstoreClient.js'

/**
 * A logout is final for what is on screen: after a clear (here or in another tab) an image,
 * or a prefetch, that was already shown or loading is held: it fetches nothing by itself.
 * It loads again only with a new `what` (another record version, another list), a new
 * holder (a remount), or `release()` (the app's refetch or retry).
 */
export class ClearHold {
  private what: string | undefined
  private since: number

  constructor(private readonly client: Pick<PixstoreClient, 'getClearEpoch'>) {
    this.since = client.getClearEpoch()
  }

  /** Whether `what` is held; something not yet followed is new, and not held. Changes nothing. */
  isHeld(what: string | undefined): boolean {
    return what !== undefined && what === this.what && this.client.getClearEpoch() > this.since
  }

  /** Follows `what`: a new one is not held by the clears that came before it. */
  follow(what: string | undefined): void {
    if (what === this.what) return
    this.what = what
    this.since = this.client.getClearEpoch()
  }

  /** Lets what is followed load again. */
  release(): void {
    this.since = this.client.getClearEpoch()
  }
}
