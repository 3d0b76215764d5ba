import { useEffect, useState, useSyncExternalStore, type SyntheticEvent } from 'react'
import { ImageSwap, type ImageSwapState } from '../client/index.js'
import { useIsomorphicLayoutEffect } from './useIsomorphicLayoutEffect.js'

/** What `useImageSwap` hands to the visible `<img>`. */
export interface ImageSwapProps extends ImageSwapState {
  onLoad(event: SyntheticEvent<HTMLImageElement>): void
  onError(event: SyntheticEvent<HTMLImageElement>): void
}

const EMPTY: ImageSwapState = { src: undefined, loaded: false, failed: undefined }
const empty = () => EMPTY
const noSubscription = () => () => undefined

/** Decodes an image off-screen: the browser's own loader. */
function decodeImage(src: string): Promise<void> {
  const image = new Image()
  image.src = src
  return image.decode()
}

/**
 * The visible `<img>` of one image over an `ImageSwap`: the state a render shows is the
 * swap's preview of `candidate`, committed in a layout effect, so nothing is set during
 * render and the first image needs no second render.
 */
export function useImageSwap(candidate: string | undefined, direct: boolean): ImageSwapProps {
  // Made with the first candidate (once: the holder lives as long as the component), so an
  // image that never gets one, off screen in a long gallery, costs none.
  const [holder] = useState<{ swap?: ImageSwap }>(() => ({}))
  const swap = candidate === undefined ? holder.swap : (holder.swap ??= new ImageSwap(decodeImage))
  useSyncExternalStore(
    swap?.subscribe ?? noSubscription,
    swap?.getSnapshot ?? empty,
    swap?.getSnapshot ?? empty,
  )
  const shown = swap?.preview(candidate, direct) ?? EMPTY
  useIsomorphicLayoutEffect(() => swap?.show(candidate, direct, shown))
  useEffect(() => () => holder.swap?.dispose(), [holder])
  return {
    ...shown,
    onLoad: (event) => {
      const img = event.currentTarget
      swap?.loaded(img.getAttribute('src') ?? undefined, () => img.decode())
    },
    onError: (event) => swap?.failed(event.currentTarget.getAttribute('src') ?? undefined),
  }
}
