import type { ImageService } from '../core/internal.js'

/**
 * Lands the cache writes and `lastUsed` updates still waiting when the page is hidden or
 * left: images are shown before their ciphertext is written. Returns what stops it.
 */
export function flushWhenHidden(service: ImageService): () => void {
  if (typeof addEventListener !== 'function' || typeof document === 'undefined') return () => undefined
  const flush = () => void service.flush().catch(() => undefined)
  const onVisibility = () => document.visibilityState === 'hidden' && flush()
  addEventListener('pagehide', flush)
  document.addEventListener('visibilitychange', onVisibility)
  return () => {
    removeEventListener('pagehide', flush)
    document.removeEventListener('visibilitychange', onVisibility)
  }
}
