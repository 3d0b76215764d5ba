import { useEffect, useState, type SyntheticEvent } from 'react'
import { versionKey, type DownloadProgress, type ImageRecord, type PixstoreError } from '../core/index.js'
import { imageQueryKey } from './imageQueryOptions.js'
import { useImagePath } from './useImagePath.js'
import { usePixstoreContext } from './usePixstoreContext.js'

/** When the full image of a record is fetched. */
export type LoadFull = 'eager' | 'visible' | 'manual'

/** Options of `useSecureImage`. */
export interface UseSecureImageOptions {
  /** Something stands in while loading, so images decode off-screen first. @default false */
  placeholder?: boolean
  /** A small version of the image (an ordinary encrypted record) shown first. @default none */
  preview?: ImageRecord | null
  /**
   * When the full image is fetched: at once, while `inView`, or on `load()`. A `'visible'`
   * image that leaves the screen before it has loaded is cancelled. @default 'eager'
   */
  loadFull?: LoadFull
  /** Whether the image is on screen (for `loadFull: 'visible'`). @default true */
  inView?: boolean
  /** Re-render as the full image downloads and report `progress`. @default false */
  trackProgress?: boolean
}

/** What `useSecureImage` returns: the state of the image and the props of its `<img>`. */
export interface SecureImageState {
  status: 'loading' | 'success' | 'error'
  error: PixstoreError | null
  /** Which path the image comes through. */
  via: 'worker' | 'object-url' | undefined
  /** True while the preview stands in for the full image. */
  isPreview: boolean
  /** Bytes of the full image received so far, while its body downloads (object URL path, with `trackProgress`). */
  progress: DownloadProgress | undefined
  /** Starts loading the full image (for `loadFull: 'manual'`). */
  load: () => void
  /** Loads the image again after an error (the query's `refetch`). */
  retry: () => void
  /** Props for the `<img>`; `img.src` is undefined until there is something to load. */
  img: {
    src: string | undefined
    onLoad(event: SyntheticEvent<HTMLImageElement>): void
    onError(event: SyntheticEvent<HTMLImageElement>): void
  }
}

/**
 * The logic of `<SecureImage>`: the record's image through the service worker or an object
 * URL, its preview first when there is one, and the full image when `loadFull` says so.
 */
export function useSecureImage(
  record: ImageRecord | null | undefined,
  options: UseSecureImageOptions = {},
): SecureImageState {
  const { placeholder = false, preview, loadFull = 'eager', inView = true, trackProgress = false } = options
  const { queryClient } = usePixstoreContext()
  const key = record ? versionKey(record) : undefined
  // A full image asked for by `load()`, or shown once, stays wanted: scrolling a shown image
  // away must not take it off the worker path.
  const [kept, setKept] = useState<string | undefined>(undefined)
  const wanted =
    loadFull === 'eager' || (loadFull === 'visible' && inView) || (kept !== undefined && kept === key)
  const full = useImagePath(record, { enabled: wanted, direct: !placeholder && !preview, trackProgress })
  const small = useImagePath(preview, {
    enabled: !!preview && full.status !== 'success',
    direct: !placeholder,
    trackProgress: false,
  })

  if (loadFull === 'visible' && full.status === 'success' && kept !== key) setKept(key)

  // Off screen before it loaded: cancel, so a scrolled-past image costs no request.
  const cancel = !wanted && full.fetching && record ? record : undefined
  useEffect(() => {
    if (cancel) void queryClient.cancelQueries({ queryKey: imageQueryKey(cancel), exact: true })
  }, [cancel, queryClient])

  const isPreview = !!preview && full.status === 'loading' && small.status === 'success'
  const shown = isPreview || (!!preview && full.img.src === undefined) ? small : full
  return {
    status: full.status,
    error: full.error,
    via: isPreview ? small.via : full.via,
    isPreview,
    progress: full.progress,
    load: () => setKept(key),
    retry: full.retry,
    img: shown.img,
  }
}
