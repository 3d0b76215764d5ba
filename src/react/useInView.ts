import { useCallback, useEffect, useState } from 'react'

type Listener = (inView: boolean) => void

interface SharedObserver {
  observer: IntersectionObserver
  listeners: Map<Element, Listener>
}

// One IntersectionObserver per rootMargin for the whole page: a thousand images cost one
// observer, not a thousand.
const observers = new Map<string, SharedObserver>()

function observe(element: Element, rootMargin: string, listener: Listener): () => void {
  let shared = observers.get(rootMargin)
  if (!shared) {
    const listeners = new Map<Element, Listener>()
    const observer = new IntersectionObserver(
      // A box that only touches the edge intersects with zero area: not on screen.
      (entries) =>
        entries.forEach((entry) =>
          listeners.get(entry.target)?.(entry.isIntersecting && entry.intersectionRatio > 0),
        ),
      { rootMargin },
    )
    shared = { observer, listeners }
    observers.set(rootMargin, shared)
  }
  shared.listeners.set(element, listener)
  shared.observer.observe(element)
  const { observer, listeners } = shared
  return () => {
    observer.unobserve(element)
    listeners.delete(element)
  }
}

/**
 * Whether the element given to the returned ref callback is on screen (within
 * `rootMargin`). Off until the observer first reports; always off where there is no
 * IntersectionObserver, unless `enabled` is false, which reports on screen.
 */
export function useInView(
  enabled: boolean,
  rootMargin = '0px',
): [(element: Element | null) => void, boolean] {
  const [element, setElement] = useState<Element | null>(null)
  const [inView, setInView] = useState(false)
  useEffect(() => {
    if (!enabled || !element || typeof IntersectionObserver === 'undefined') return
    return observe(element, rootMargin, setInView)
  }, [enabled, element, rootMargin])
  // Only an observed element is state: every image mounting would otherwise render twice.
  // The callback changes with `enabled`, so React hands it the element again when it turns on.
  const ref = useCallback((node: Element | null) => void (enabled && setElement(node)), [enabled])
  return [ref, !enabled || inView]
}
