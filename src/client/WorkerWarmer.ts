import { versionKey, type ImageRecord } from '../core/index.js'
import { imageUrl, type WorkerBridge, type WorkerStatus } from '../sw/index.js'
import type { Source } from './ClientObserver.js'

/** Options of a `WorkerWarmer`. */
export interface WorkerWarmerOptions {
  /** The worker's status now. */
  getStatus: () => WorkerStatus
  /** Listens to the worker's status. */
  subscribeStatus: Source
  /** Makes each record answerable before the worker asks for it; its clears drop the queue. */
  bridge: Pick<WorkerBridge, 'register' | 'onClear'>
  /** Whether the page's cache still holds the image: one it evicted since is left out, so
   * handing it over never costs a backend request. */
  isCached: (id: string) => Promise<boolean>
  /** Path prefix of the worker's image URLs. @default '/_img' */
  prefix?: string
  /** Worker URLs requested at a time. @default 2 */
  concurrency?: number
  /** Requests the worker URLs (the worker answers them, as it answers an `<img>`). @default globalThis.fetch */
  fetch?: (url: string, init: { signal: AbortSignal }) => Promise<Response>
}

/**
 * Hands the worker, once it controls the page, the images shown through object URLs while it
 * registered on a first visit: each is requested once at its worker URL, so the worker asks
 * the page for it and keeps it, and the next visit finds it in the worker's cache. The
 * requests run a few at a time, after the images were shown. A clear (here or in another tab)
 * drops what waits and aborts what runs; a registration that fails drops what waits.
 */
export class WorkerWarmer {
  private readonly getStatus: () => WorkerStatus
  private readonly subscribeStatus: Source
  private readonly bridge: WorkerWarmerOptions['bridge']
  private readonly isCached: (id: string) => Promise<boolean>
  private readonly prefix: string | undefined
  private readonly concurrency: number
  private readonly fetch: NonNullable<WorkerWarmerOptions['fetch']>
  /** Records waiting, by version key; a version is queued once. */
  private readonly waiting = new Map<string, ImageRecord>()
  private readonly running = new Set<string>()
  private aborts = new AbortController()
  private stopWaiting: (() => void) | undefined

  constructor(options: WorkerWarmerOptions) {
    this.getStatus = options.getStatus
    this.subscribeStatus = options.subscribeStatus
    this.bridge = options.bridge
    this.isCached = options.isCached
    this.prefix = options.prefix
    this.concurrency = options.concurrency ?? 2
    this.fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init))
    options.bridge.onClear(() => {
      this.waiting.clear()
      this.aborts.abort()
      this.aborts = new AbortController()
    })
  }

  /** Queues `record` for the worker; dropped unless the worker is registering or in control. */
  warm(record: ImageRecord): void {
    const key = versionKey(record)
    if (this.running.has(key)) return
    this.waiting.set(key, record)
    this.pump()
  }

  private pump(): void {
    const status = this.getStatus()
    if (status === 'registering') {
      this.stopWaiting ??= this.subscribeStatus(() => this.pump())
      return
    }
    this.stopWaiting?.()
    this.stopWaiting = undefined
    if (status !== 'ready') return this.waiting.clear()
    for (const [key, record] of this.waiting) {
      if (this.running.size >= this.concurrency) return
      this.waiting.delete(key)
      this.running.add(key)
      void this.request(record).finally(() => {
        this.running.delete(key)
        this.pump()
      })
    }
  }

  private async request(record: ImageRecord): Promise<void> {
    const { signal } = this.aborts
    try {
      if (!(await this.isCached(record.id)) || signal.aborted) return
      this.bridge.register(record)
      const response = await this.fetch(imageUrl(record.id, record.token, this.prefix), { signal })
      // The worker kept the image as it answered; the page needs none of its bytes.
      await response.body?.cancel()
    } catch {
      // A failed warm-up costs only the next visit's speed: the worker asks the page again then.
    }
  }
}
