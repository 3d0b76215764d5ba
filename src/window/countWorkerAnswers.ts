import { IMAGE_SOURCES, type ImageService } from '../core/internal.js'
import { SW_MESSAGE, type ServedMessage, type ServedReport } from '../protocol/index.js'

const SOURCES: ReadonlySet<unknown> = new Set(IMAGE_SOURCES)

function isServedReport(data: unknown): data is ServedReport {
  const report = data as Partial<ServedReport> | null
  return (
    typeof report?.id === 'string' &&
    typeof report.token === 'number' &&
    SOURCES.has(report.source) &&
    typeof report.bytes === 'number' &&
    typeof report.ms === 'number'
  )
}

const isServedMessage = (data: unknown): data is ServedMessage =>
  (data as Partial<ServedMessage> | null)?.type === SW_MESSAGE.SERVED &&
  Array.isArray((data as ServedMessage).images)

/**
 * Counts in the service's metrics the images the worker answered without the page (from its
 * memory, its Cache Storage or its own load), which the page would not see otherwise (it
 * counts what it answers itself).
 * Returns what stops it.
 */
export function countWorkerAnswers(service: ImageService, container: ServiceWorkerContainer): () => void {
  const onMessage = (event: MessageEvent<unknown>) => {
    if (!isServedMessage(event.data)) return
    for (const report of event.data.images) {
      if (!isServedReport(report)) continue
      const { id, token, source, bytes, ms } = report
      service.recordEvent({ type: 'image', id, token, source, bytes, ms })
    }
  }
  container.addEventListener('message', onMessage)
  // Messages wait in the container's queue until the page asks for them.
  container.startMessages()
  return () => container.removeEventListener('message', onMessage)
}
