/**
 * Listeners to one kind of event. `subscribe` adds one and returns what removes it; `emit`
 * calls each, in the order they subscribed.
 */
export class Subscribable<T = void> {
  private readonly listeners = new Set<(event: T) => void>()

  /** Adds `listener`; call the returned function to remove it. */
  subscribe(listener: (event: T) => void): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  /** Calls every listener with `event`. */
  emit(event: T): void {
    for (const listener of this.listeners) listener(event)
  }
}
