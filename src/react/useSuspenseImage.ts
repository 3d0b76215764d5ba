import { useSuspenseQuery } from '@tanstack/react-query'
import type { ImageRecord } from '../core/index.js'
import { imageQueryOptions, type ImageData } from './imageQueryOptions.js'
import { usePixstoreContext } from './usePixstoreContext.js'

/** `useImage` for Suspense: suspends while loading and throws errors to the nearest boundary. */
export function useSuspenseImage(record: ImageRecord): ImageData {
  const context = usePixstoreContext()
  return useSuspenseQuery(imageQueryOptions(context, record), context.queryClient).data
}
