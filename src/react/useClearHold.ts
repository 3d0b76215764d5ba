import { useCallback, useState } from 'react'
import { useClearEpoch } from './useClearEpoch.js'

/** Whether an image is held after a logout, and how to let it load again. */
export interface ClearHold {
  held: boolean
  release: () => void
  /** The clears seen so far. */
  clearEpoch: number
}

/**
 * A logout is final for what is on screen: after `clearImageCache()` (here or in another
 * tab) an image (or a prefetch) that was already shown or loading is held: it shows its
 * placeholder and fetches nothing by itself. It loads again only when it remounts, gets a
 * new `what` (another record version, another list), or `release()` is called (the app's
 * refetch or retry).
 */
export function useClearHold(what: string | undefined): ClearHold {
  const clearEpoch = useClearEpoch(what !== undefined)
  const [since, setSince] = useState({ what, epoch: clearEpoch })
  let current = since
  if (since.what !== what) {
    // Something new is not held by clears that came before it.
    current = { what, epoch: clearEpoch }
    setSince(current)
  }
  const release = useCallback(() => setSince({ what, epoch: clearEpoch }), [what, clearEpoch])
  return { held: clearEpoch > current.epoch, release, clearEpoch }
}
