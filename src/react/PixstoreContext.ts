import type { QueryClient } from '@tanstack/react-query'
import { createContext } from 'react'
import type { PixstoreClient } from '../client/index.js'

/** What `<PixstoreProvider>` shares with its hooks: two objects that never change while it is mounted. */
export interface PixstoreContextValue {
  client: PixstoreClient
  queryClient: QueryClient
}

export const PixstoreContext = createContext<PixstoreContextValue | null>(null)
