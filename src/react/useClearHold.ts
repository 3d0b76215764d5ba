import { useCallback, useState } from 'react'
import type { ImageRecord } from '../core/index.js'
import { usePixstoreContext } from './usePixstoreContext.js'

/** Whether an image is held after a logout, and how to let it load again. */
export interface ClearHold {
  held: boolean
  release: () => void
}

/**
 * A logout is final for what is on screen: after `clearImageCache()` (here or in another
 * tab) an image that was already shown or loading is held, shows its placeholder and
 * fetches nothing by itself. It loads again only when it remounts, gets a new record, or
 * `release()` is called (the app's refetch or retry).
 */
export function useClearHold(record: ImageRecord | null | undefined): ClearHold {
  const { clearEpoch } = usePixstoreContext()
  const version = record ? `${record.id}\u0000${record.token}` : undefined
  const [since, setSince] = useState({ version, epoch: clearEpoch })
  let current = since
  if (since.version !== version) {
    // A new record is a new image: it is not held by clears that came before it.
    current = { version, epoch: clearEpoch }
    setSince(current)
  }
  const release = useCallback(() => setSince({ version, epoch: clearEpoch }), [version, clearEpoch])
  return { held: clearEpoch > current.epoch, release }
}
