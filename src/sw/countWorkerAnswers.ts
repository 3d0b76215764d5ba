import type { ImageService } from '../core/index.js'
import { SW_MESSAGE, type ServedMessage } from './messages.js'

const WORKER_SOURCES: ReadonlySet<unknown> = new Set<ServedMessage['source']>([
  'worker-memory',
  'cache-storage',
])

function isServedMessage(data: unknown): data is ServedMessage {
  const message = data as Partial<ServedMessage> | null
  return (
    message?.type === SW_MESSAGE.SERVED &&
    typeof message.id === 'string' &&
    typeof message.token === 'number' &&
    WORKER_SOURCES.has(message.source) &&
    typeof message.bytes === 'number' &&
    typeof message.ms === 'number'
  )
}

/**
 * Counts in the service's metrics the images the worker answered from its own memory or
 * Cache Storage, which the page would not see otherwise (it counts what it answers itself).
 * Returns what stops it.
 */
export function countWorkerAnswers(service: ImageService, container: ServiceWorkerContainer): () => void {
  const onMessage = (event: MessageEvent<unknown>) => {
    if (!isServedMessage(event.data)) return
    const { id, token, source, bytes, ms } = event.data
    service.recordEvent({ type: 'image', id, token, source, bytes, ms })
  }
  container.addEventListener('message', onMessage)
  // Messages wait in the container's queue until the page asks for them.
  container.startMessages?.()
  return () => container.removeEventListener('message', onMessage)
}
