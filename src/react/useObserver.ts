import { useState, useSyncExternalStore } from 'react'
import type { ClientObserver } from '../client/index.js'
import type { PixstoreContextValue } from './PixstoreContext.js'
import { useIsomorphicLayoutEffect } from './useIsomorphicLayoutEffect.js'
import { usePixstoreContext } from './usePixstoreContext.js'

/** What the base hook needs of a `ClientObserver`, for any options it takes. */
type Observes<TOptions extends object> = Pick<
  ClientObserver<TOptions, object>,
  'subscribe' | 'getVersion'
> & {
  getOptimisticResult(options: TOptions): unknown
  setOptions(options: TOptions, rendered?: unknown): void
}

/**
 * The one base of the image hooks, as TanStack Query's `useBaseQuery`: one observer per
 * component, made by `create` with the provider's client; a render shows its optimistic
 * result for `options`, the commit hands it the same options, and `useSyncExternalStore`
 * re-renders when, and only when, its result changes. Nothing is set during render.
 */
export function useObserver<TOptions extends object, TObserver extends Observes<TOptions>>(
  create: (context: PixstoreContextValue, options: TOptions) => TObserver,
  options: TOptions,
): [ReturnType<TObserver['getOptimisticResult']>, TObserver] {
  const context = usePixstoreContext()
  const [observer] = useState(() => create(context, options))
  useSyncExternalStore(observer.subscribe, observer.getVersion, observer.getVersion)
  const result = observer.getOptimisticResult(options) as ReturnType<TObserver['getOptimisticResult']>
  // A layout effect: the worker URL an <img> requests at commit is registered in that task.
  useIsomorphicLayoutEffect(() => observer.setOptions(options, result))
  return [result, observer]
}
