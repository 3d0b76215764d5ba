import { useEffect, useState } from 'react'
import { followHold, isHeld, versionKey, type ClearHold } from '../client/index.js'
import type { ImageRecord } from '../core/index.js'
import { useClearEpoch } from './useClearEpoch.js'
import { useIsomorphicLayoutEffect } from './useIsomorphicLayoutEffect.js'
import { usePixstoreContext } from './usePixstoreContext.js'
import { useWorkerStatus } from './useWorkerStatus.js'

/**
 * Fills the encrypted cache with records not cached at their token, at idle priority, and
 * where the service worker controls the page, its Cache Storage too (by requesting each
 * image's worker URL and dropping the body), so those images later show with no round trip
 * to the page. Unmounting, a new list or a logout cancels what has not been fetched yet.
 */
export function usePrefetchImages(records: readonly ImageRecord[]): void {
  const { client } = usePixstoreContext()
  const { service, bridge, workerPrefix } = client
  const worker = useWorkerStatus() === 'ready'
  const signature = records.map(versionKey).join('\u0001')
  // After a logout a mounted prefetch stops and stays stopped until given another list.
  const [hold, setHold] = useState<ClearHold>(() => ({ what: undefined, since: client.getClearEpoch() }))
  const clearEpoch = useClearEpoch(signature !== '')
  const held = isHeld(hold, signature, clearEpoch)
  useIsomorphicLayoutEffect(
    () => setHold((hold) => followHold(hold, signature, client.getClearEpoch())),
    [client, signature],
  )
  useEffect(() => {
    if (!signature || held) return
    const controller = new AbortController()
    const { signal } = controller
    // A logout stops it in the same task, before a render could: an idle callback that fires
    // in between must not start anything.
    const stopOnClear = bridge.onClear(() => controller.abort())
    const run = async () => {
      await service.prefetch(records, { signal })
      if (!worker || signal.aborted) return
      // The worker reads Dexie itself (or asks the page) and keeps the ciphertext; the
      // decrypted body is dropped here.
      await Promise.all(
        records.map(async (record) => {
          bridge.register(record)
          const response = await fetch(bridge.urlOf(record, workerPrefix), {
            signal,
            cache: 'no-store',
          }).catch(() => undefined)
          await response?.body?.cancel().catch(() => undefined)
        }),
      )
    }
    const start = () => void run()
    const idle = globalThis.requestIdleCallback?.(start, { timeout: 2000 })
    const timer = idle === undefined ? setTimeout(start, 0) : undefined
    return () => {
      if (idle !== undefined) globalThis.cancelIdleCallback(idle)
      clearTimeout(timer)
      stopOnClear()
      controller.abort()
    }
    // The signature stands for the records' identities.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [service, bridge, worker, workerPrefix, signature, held])
}
