import type { ImageRecord } from '../core/index.js'
import { SW_MESSAGE, type ClearMessage, type WorkerLoadSource } from '../protocol/index.js'

/**
 * The page's records handed to the worker in control: those registered in one task (a gallery
 * committing) in one `RECORDS` message, posted before the task ends, and the page's clears on
 * the same ordered path, so no record posted before a clear reaches the worker after it.
 */
export class RecordHandOver {
  private handing: ImageRecord[] = []

  constructor(
    private readonly source: WorkerLoadSource,
    private readonly controller: () => Pick<ServiceWorker, 'postMessage'> | null | undefined,
  ) {}

  /** Hands `record` over with the others of this task. */
  add(record: ImageRecord): void {
    if (this.handing.push(record) === 1) queueMicrotask(() => this.post())
  }

  /** A clear: what is not handed yet is dropped, and the worker told, after what was handed. */
  clear(clear: ClearMessage, epoch: number): void {
    this.handing = []
    this.controller()?.postMessage({ ...clear, epoch })
  }

  private post(): void {
    const records = this.handing
    this.handing = []
    // Stryker disable next-line ConditionalExpression: a clear empties the list; an empty message would change nothing
    if (records.length === 0) return
    this.controller()?.postMessage({ type: SW_MESSAGE.RECORDS, source: this.source, records })
  }
}
