import { useContext } from 'react'
import { PixstoreContext, type PixstoreContextValue } from './PixstoreContext.js'

/** The provider's context; throws a clear error outside `<PixstoreProvider>`. */
export function usePixstoreContext(): PixstoreContextValue {
  const value = useContext(PixstoreContext)
  if (!value) throw new Error('pixstore-react hooks and components must be used inside <PixstoreProvider>.')
  return value
}
