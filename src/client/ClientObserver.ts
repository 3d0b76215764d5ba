import { Subscribable } from '../core/internal.js'

/** Something an observer listens to: called with a listener, returns what stops it. */
export type Source = (listener: () => void) => () => void

/** Same keys, each value the same (`Object.is`); allocates nothing but the other's key list. */
function shallowEqual<T extends object>(a: T, b: T | undefined): boolean {
  if (b === undefined) return false
  let keys = 0
  for (const key in a) {
    if (!(key in b) || !Object.is(a[key], b[key as keyof T])) return false
    keys++
  }
  return keys === Object.keys(b).length
}

/**
 * The shape of every observer the hooks sit on, as TanStack Query's `QueryObserver`: a render
 * asks `getOptimisticResult(options)`, which starts nothing and tells nobody (like TanStack's,
 * it may build the query's cache entry and a child observer, so the render can read their
 * state); the commit hands the same options to `setOptions`, which acts on them. Listeners
 * hear only a result that differs (shallowly) from the one last rendered or heard, and `getVersion()` counts those changes, so a
 * `useSyncExternalStore` over it re-renders only for them. The sources (a query, a store, an
 * image swap) are listened to only while the observer itself has listeners; a change in one
 * commits the options again, as a render of a hook would run its effects again. No observer
 * is another's source: one observer per displayed image.
 */
export abstract class ClientObserver<TOptions extends object, TResult extends object> {
  private readonly listeners = new Subscribable()
  private listening = 0
  private sources: Source[] = []
  private readonly stops = new Map<Source, () => void>()
  private version = 0
  private last: TResult | undefined
  private committing = false
  private committed = false

  constructor(protected options: TOptions) {}

  /** What a render with `options` shows, computed from the state committed so far. */
  abstract getOptimisticResult(options: TOptions): TResult

  /** Acts on `options` (starts, stops and follows what they name); called at commit. */
  protected abstract commit(options: TOptions): void

  /** Listens to changes of the result; the first listener starts the sources. */
  readonly subscribe = (listener: () => void): (() => void) => {
    const stop = this.listeners.subscribe(listener)
    if (this.listening++ === 0) {
      for (const source of this.sources) this.start(source)
      // What changed between the commit and this subscription is not lost.
      if (this.committed) this.recommit()
      else this.update()
    }
    let subscribed = true
    return () => {
      if (!subscribed) return
      subscribed = false
      stop()
      if (--this.listening > 0) return
      for (const end of this.stops.values()) end()
      this.stops.clear()
      this.stopped()
    }
  }

  /** Counts the changes listeners were told of. */
  readonly getVersion = (): number => this.version

  /** The result for the options committed last. */
  getCurrentResult(): TResult {
    return this.getOptimisticResult(this.options)
  }

  /**
   * Commits `options`; `rendered` is what a render already shows, so it is not told again.
   * Options shallowly equal to the committed ones commit nothing new.
   */
  setOptions(options: TOptions, rendered?: TResult): void {
    if (rendered !== undefined) this.last = rendered
    if (this.committed && shallowEqual(options, this.options)) return this.update()
    this.options = options
    this.committed = true
    this.recommit()
  }

  /** Acts on the committed options again: something they depend on changed. */
  protected recommit(): void {
    // A change heard while committing is one the commit made itself (a query it set, an image
    // it showed), and the commit reads each source after it acts on it: nothing to do again.
    if (this.committing) return
    this.committing = true
    try {
      this.commit(this.options)
    } finally {
      this.committing = false
    }
    this.update()
  }

  /** Recomputes the result and tells the listeners if it changed. */
  protected update(): void {
    const next = this.getCurrentResult()
    if (shallowEqual(next, this.last)) return
    this.last = next
    this.version++
    this.listeners.emit()
  }

  /** Stops what runs on its own once nobody listens (a decode, say). @default nothing */
  protected stopped(): void {}

  /** Listens to `sources`, in order, while there are listeners; stops those left out. */
  protected follow(sources: Source[]): void {
    for (const [source, stop] of this.stops)
      if (!sources.includes(source)) {
        stop()
        this.stops.delete(source)
      }
    this.sources = sources
    if (this.listening > 0) for (const source of sources) this.start(source)
  }

  private start(source: Source): void {
    if (!this.stops.has(source))
      this.stops.set(
        source,
        source(() => this.recommit()),
      )
  }
}
