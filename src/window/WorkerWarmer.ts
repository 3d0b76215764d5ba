import { FetchLimiter, versionKey, type ImageRecord } from '../core/internal.js'
import type { WorkerStatus } from './registerPixstoreWorker.js'
import type { WorkerBridge } from './WorkerBridge.js'

/** Options of a `WorkerWarmer`. */
export interface WorkerWarmerOptions {
  /** The worker's status now. */
  getStatus: () => WorkerStatus
  /** Listens to the worker's status. */
  subscribeStatus: (listener: () => void) => () => void
  /** Makes each record answerable before the worker asks for it; its clears drop the queue. */
  bridge: Pick<WorkerBridge, 'register' | 'onClear' | 'urlOf'>
  /** Whether the page's cache still holds the image: one it evicted since is left out, so
   * handing it over never costs a backend request. */
  isCached: (id: string) => Promise<boolean>
  /** Resolves once the page loads no image (`ImageService.whenIdle`): the hand-over waits for
   * it, so it does not compete with the page's own images for the CPU. @default none: it waits for nothing */
  whenIdle?: (signal: AbortSignal) => Promise<void>
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
 * requests run a few at a time (a `FetchLimiter`), after the images were shown and once the
 * page loads no other (`whenIdle`): on a first visit they would compete with it. A clear (here
 * or in another tab) aborts what waits and what runs; a registration that fails drops what
 * waits.
 */
export class WorkerWarmer {
  private readonly slots: FetchLimiter
  private readonly fetch: NonNullable<WorkerWarmerOptions['fetch']>
  /** Versions waiting or being requested; a version is requested once at a time. */
  private readonly warming = new Set<string>()
  private aborts = new AbortController()
  /** Whether the worker took control, once registration ends; shared by every image waiting. */
  private registration: Promise<boolean> | undefined

  /** @throws `invalid-option` unless `concurrency` is a whole number of at least 1. */
  constructor(private readonly options: WorkerWarmerOptions) {
    this.slots = new FetchLimiter(options.concurrency ?? 2, 'concurrency')
    this.fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init))
    options.bridge.onClear(() => {
      this.aborts.abort()
      this.aborts = new AbortController()
    })
  }

  /** Hands `record` to the worker once it controls the page; dropped if it never will. */
  warm(record: ImageRecord): void {
    const key = versionKey(record)
    if (this.warming.has(key)) return
    this.warming.add(key)
    void this.request(record, this.aborts.signal).finally(() => this.warming.delete(key))
  }

  private async request(record: ImageRecord, signal: AbortSignal): Promise<void> {
    const { bridge, prefix } = this.options
    let release: (() => void) | undefined
    try {
      if (!(await this.controlled()) || signal.aborted) return
      await this.options.whenIdle?.(signal)
      release = await this.slots.acquire(signal)
      if (!(await this.options.isCached(record.id)) || signal.aborted) return
      bridge.register(record)
      const response = await this.fetch(bridge.urlOf(record, prefix), { signal })
      // The worker kept the image as it answered; the page needs none of its bytes.
      // Stryker disable next-line OptionalChaining: a body-less answer would throw into the catch below, which ignores it too
      await response.body?.cancel()
    } catch {
      // A failed warm-up costs only the next visit's speed: the worker asks the page again then.
    } finally {
      release?.()
    }
  }

  /** Resolves whether the worker controls the page, once its registration has ended. */
  private controlled(): Promise<boolean> {
    const { getStatus, subscribeStatus } = this.options
    const status = getStatus()
    if (status !== 'registering') return Promise.resolve(status === 'ready')
    return (this.registration ??= new Promise((resolve) => {
      // The status only changes once registration ends: to `ready` or `failed`.
      const stop = subscribeStatus(() => {
        stop()
        this.registration = undefined
        resolve(getStatus() === 'ready')
      })
    }))
  }
}
