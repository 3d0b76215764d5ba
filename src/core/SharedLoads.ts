import type { DownloadProgress } from './ImageFetcher.js'
import type { GetImageOptions } from './ImageService.js'
import { PixstoreError } from './PixstoreError.js'
import { raceSignal } from './raceSignal.js'
import { Subscribable } from './Subscribable.js'

/** What one shared load carries down to the fetcher. */
export interface LoadRequest {
  /** The first caller's `context`, passed to a custom fetcher. */
  context: unknown
  /** Aborts when every caller has left, or on a clear. */
  signal: AbortSignal
  /** Callers' progress listeners; without any, the fetcher is not asked to stream. */
  listeners: Set<(progress: DownloadProgress) => void>
  /** The image was deleted from the cache while this load ran: what it fetches is not cached. */
  uncacheable: boolean
}

/** One load of an image version and the callers waiting on it. */
interface SharedLoad<T> {
  id: string
  result: Promise<T>
  controller: AbortController
  callers: number
  request: LoadRequest
}

/**
 * The loads in flight, one per image version, each shared by every caller asking for that
 * version. A caller that leaves (its signal aborts) stops waiting at once; the load itself
 * is aborted when its last caller leaves.
 */
export class SharedLoads<T> {
  private readonly loads = new Map<string, SharedLoad<T>>()
  private readonly emptied = new Subscribable()

  /**
   * One caller's share of the load of version `key` (of image `id`), started with `start`
   * unless it runs already. `select` makes this caller's answer from the load's result.
   */
  join<R>(
    key: string,
    id: string,
    start: (request: LoadRequest) => Promise<T>,
    options: GetImageOptions,
    select: (result: Promise<T>) => Promise<R>,
  ): Promise<R> {
    const load = this.loads.get(key) ?? this.start(key, id, start, options)
    load.callers++
    const { onProgress } = options
    if (onProgress) load.request.listeners.add(onProgress)
    // Called once: on this caller's answer, or on its abort (the race then drops its answer).
    const leave = () => {
      // Deleting a listener that was never added (no onProgress) changes nothing.
      load.request.listeners.delete(onProgress!)
      // Stryker disable next-line ConditionalExpression: a settled load leaves the map before its callers leave; only a new load of the version started in that microtask could be there
      if (--load.callers === 0 && this.loads.get(key) === load) {
        this.remove(key)
        // Stryker disable next-line StringLiteral: no caller is left to read the message
        load.controller.abort(new PixstoreError('aborted', 'Every caller left'))
      }
    }
    const answer = raceSignal(select(load.result), options.signal, leave)
    answer.then(leave, () => undefined)
    return answer
  }

  private start(
    key: string,
    id: string,
    start: (request: LoadRequest) => Promise<T>,
    options: GetImageOptions,
  ): SharedLoad<T> {
    const controller = new AbortController()
    const request: LoadRequest = {
      context: options.context,
      signal: controller.signal,
      listeners: new Set(),
      uncacheable: false,
    }
    const load: SharedLoad<T> = {
      id,
      // Raced with its own signal: once aborted (every caller left, or a clear), no caller
      // gets what it loads.
      result: raceSignal(start(request), controller.signal),
      controller,
      callers: 0,
      request,
    }
    const settle = () => {
      if (this.loads.get(key) === load) this.remove(key)
    }
    load.result.then(settle, settle)
    this.loads.set(key, load)
    return load
  }

  /** The loads of `id` running now will not cache what they fetch. */
  markUncacheable(id: string): void {
    for (const load of this.loads.values()) if (load.id === id) load.request.uncacheable = true
  }

  /** Aborts every load with `reason`: their callers reject at once, and nothing they load is kept. */
  abortAll(reason: PixstoreError): void {
    for (const load of this.loads.values()) load.controller.abort(reason)
    this.loads.clear()
    this.emptied.emit()
  }

  /** Resolves once no load runs (at once if none does); rejects with the abort if `signal` aborts first. */
  whenIdle(signal?: AbortSignal): Promise<void> {
    if (this.loads.size === 0) return Promise.resolve()
    let stop: () => void = () => undefined
    const idle = new Promise<void>((resolve) => {
      stop = this.emptied.subscribe(() => {
        stop()
        resolve()
      })
    })
    // Stryker disable next-line ArrowFunction: a waiter that gave up would otherwise stay subscribed only until the loads end, and then drop out
    return raceSignal(idle, signal, () => stop())
  }

  private remove(key: string): void {
    this.loads.delete(key)
    if (this.loads.size === 0) this.emptied.emit()
  }
}
