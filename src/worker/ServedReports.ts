import { SW_MESSAGE, type ServedMessage, type ServedReport } from '../protocol/index.js'

/** The part of a service worker's `clients` the worker uses: the page of a fetch. */
export interface WorkerClients {
  get(id: string): Promise<{ postMessage(message: ServedMessage): void } | undefined>
}

/** Milliseconds the reports for a page are gathered before they are sent. */
const REPORT_DELAY = 50

/**
 * Tells each page which of the worker's own layers answered its images (`SERVED`), for the
 * page's metrics. Reports of a burst go together once it settles, so a gallery costs the
 * page a few messages, not one per image.
 */
export class ServedReports {
  /** Reports waiting to be sent, by page. */
  private readonly waiting = new Map<string, ServedReport[]>()

  constructor(private readonly clients: WorkerClients | undefined) {}

  /** Reports an image answered for the page `clientId`; a fetch without a page tells no one. */
  add(clientId: string, report: ServedReport): void {
    if (!clientId || !this.clients) return
    const waiting = this.waiting.get(clientId)
    if (waiting) return void waiting.push(report)
    this.waiting.set(clientId, [report])
    setTimeout(() => this.send(clientId), REPORT_DELAY)
  }

  private send(clientId: string): void {
    const images = this.waiting.get(clientId)!
    this.waiting.delete(clientId)
    this.clients!.get(clientId).then(
      (client) => client?.postMessage({ type: SW_MESSAGE.SERVED, images }),
      () => undefined,
    )
  }
}
