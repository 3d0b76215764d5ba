import type { SyntheticEvent } from 'react'
import { ImageObserver, type ImageObserverOptions, type ImageObserverResult } from '../client/index.js'
import type { ImageRecord } from '../core/index.js'
import { useObserver } from './useObserver.js'

/** Options of `useSecureImage`. */
export type UseSecureImageOptions = ImageObserverOptions

/** `Omit` that keeps a union a union, so `status` still narrows `error`. */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/**
 * What `useSecureImage` returns: the state of the image and the props of its `<img>`;
 * `status === 'error'` narrows `error` to a `PixstoreError`.
 */
export type SecureImageState = OmitEach<ImageObserverResult, 'src'> & {
  /** Starts loading the full image (for `loadFull: 'manual'`). */
  load: () => void
  /** Loads the image again after an error (or after a logout held it). */
  retry: () => void
  /** Props for the `<img>`; `img.src` is undefined until there is something to load. */
  img: {
    src: string | undefined
    onLoad(event: SyntheticEvent<HTMLImageElement>): void
    onError(event: SyntheticEvent<HTMLImageElement>): void
  }
}

/** Decodes an image off-screen: the browser's own loader. */
function decodeImage(src: string): Promise<void> {
  const image = new Image()
  image.src = src
  return image.decode()
}

const srcOf = (event: SyntheticEvent<HTMLImageElement>) =>
  event.currentTarget.getAttribute('src') ?? undefined

/**
 * The logic of `<SecureImage>` over one `ImageObserver`: the record's image through the
 * service worker or an object URL, its preview first when there is one, and the full image
 * when `loadFull` says so.
 */
export function useSecureImage(
  record: ImageRecord | null | undefined,
  options: UseSecureImageOptions = {},
): SecureImageState {
  const [{ src, ...state }, observer] = useObserver(
    ({ client, queryClient }, initial) => new ImageObserver(client, queryClient, initial, decodeImage),
    { ...options, record },
  )
  return {
    ...state,
    load: observer.load,
    retry: observer.retry,
    img: {
      src,
      onLoad: (event) => {
        const img = event.currentTarget
        observer.loaded(srcOf(event), () => img.decode())
      },
      onError: (event) => observer.failed(srcOf(event)),
    },
  }
}
