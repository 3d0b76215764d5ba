import type { ImageService } from '../core/index.js'
import { usePixstoreContext } from './usePixstoreContext.js'

/** The provider's image service; throws outside `<PixstoreProvider>`. */
export function usePixstore(): ImageService {
  return usePixstoreContext().client.service
}
