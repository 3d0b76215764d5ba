import { useEffect, useState, useSyncExternalStore, type SyntheticEvent } from 'react'
import { ImageSwap, type ImageSwapState } from '../client/index.js'
import { useIsomorphicLayoutEffect } from './useIsomorphicLayoutEffect.js'

/** What `useImageSwap` hands to the visible `<img>`. */
export interface ImageSwapProps extends ImageSwapState {
  onLoad(event: SyntheticEvent<HTMLImageElement>): void
  onError(event: SyntheticEvent<HTMLImageElement>): void
}

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
  const [swap] = useState(() => new ImageSwap(decodeImage))
  useSyncExternalStore(swap.subscribe, swap.getSnapshot, swap.getSnapshot)
  const shown = swap.preview(candidate, direct)
  useIsomorphicLayoutEffect(() => swap.show(candidate, direct, shown))
  useEffect(() => () => swap.dispose(), [swap])
  return {
    ...shown,
    onLoad: (event) => {
      const img = event.currentTarget
      swap.loaded(img.getAttribute('src') ?? undefined, () => img.decode())
    },
    onError: (event) => swap.failed(event.currentTarget.getAttribute('src') ?? undefined),
  }
}
