import { useEffect } from 'react'
import type { ImageRecord } from '../core/index.js'
import { usePixstoreContext } from './usePixstoreContext.js'

/**
 * Fills the encrypted cache with records not cached at their token, at idle priority.
 * Unmounting or a new list cancels what has not been fetched yet.
 */
export function usePrefetchImages(records: readonly ImageRecord[]): void {
  const { service } = usePixstoreContext()
  const signature = records.map((r) => `${r.id}\u0000${r.token}`).join('\u0001')
  useEffect(() => {
    if (!signature) return
    const controller = new AbortController()
    const run = () => void service.prefetch(records, { signal: controller.signal })
    const idle = globalThis.requestIdleCallback?.(run, { timeout: 2000 })
    const timer = idle === undefined ? setTimeout(run, 0) : undefined
    return () => {
      if (idle !== undefined) globalThis.cancelIdleCallback(idle)
      clearTimeout(timer)
      controller.abort()
    }
    // The signature stands for the records' identities.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [service, signature])
}
