import { forwardRef, useCallback, type ImgHTMLAttributes, type ReactNode, type Ref } from 'react'
import type { LoadFull } from '../client/index.js'
import type { DownloadProgress, ImageRecord, PixstoreError } from '../core/index.js'
import { useInView } from './useInView.js'
import { useSecureImage } from './useSecureImage.js'

/** Props of `<SecureImage>`: every `<img>` prop except `src`, plus the record. */
export interface SecureImageProps extends Omit<
  ImgHTMLAttributes<HTMLImageElement>,
  'src' | 'alt' | 'placeholder'
> {
  /** The image record from the app's API; `null` shows the placeholder. */
  record: ImageRecord | null | undefined
  /** Required: describe the image, or `""` for a decorative one. */
  alt: string
  /** Shown while loading. @default an empty `<img aria-busy>` */
  placeholder?: ReactNode
  /** Shown on error; a function receives the error and a `retry` to load again. @default nothing */
  fallback?: ReactNode | ((error: PixstoreError, retry: () => void) => ReactNode)
  /** A small version of the image (an ordinary encrypted record), shown until the full one is decoded. @default none */
  preview?: ImageRecord | null
  /**
   * When the full image is fetched: `'eager'` at once, `'visible'` once on screen (cancelled
   * if it leaves before loading), `'manual'` when `loadRef.current()` is called. @default 'eager'
   */
  loadFull?: LoadFull
  /** Receives the function that starts a `'manual'` load. */
  loadRef?: Ref<() => void>
  /** How far outside the screen `'visible'` images start loading (IntersectionObserver). @default '0px' */
  rootMargin?: string
  /** Rendered after the image while the full image downloads. @default nothing */
  progress?: (progress: DownloadProgress) => ReactNode
}

function assignRef<T>(ref: Ref<T> | undefined, value: T): void {
  if (typeof ref === 'function') ref(value)
  else if (ref) (ref as { current: T }).current = value
}

/** An `<img>` for an encrypted image: a thin shell over `useSecureImage`. */
export const SecureImage = forwardRef<HTMLImageElement, SecureImageProps>(function SecureImage(
  {
    record,
    alt,
    placeholder,
    fallback,
    preview,
    loadFull = 'eager',
    loadRef,
    rootMargin,
    progress,
    onLoad,
    onError,
    ...imgProps
  },
  ref,
) {
  const [observe, inView] = useInView(loadFull === 'visible', rootMargin)
  const state = useSecureImage(record, {
    placeholder: placeholder !== undefined,
    preview,
    loadFull,
    inView,
    trackProgress: progress !== undefined,
  })
  const { status, error, retry, img } = state
  assignRef(loadRef, state.load)
  const imgRef = useCallback(
    (node: HTMLImageElement | null) => (observe(node), assignRef(ref, node)),
    [observe, ref],
  )
  if (status === 'error')
    return <>{typeof fallback === 'function' ? fallback(error, retry) : (fallback ?? null)}</>
  const loading = status === 'loading'
  const meter = loading && progress && state.progress ? progress(state.progress) : null
  if (loading && !state.isPreview && placeholder !== undefined) {
    return (
      <>
        <span ref={observe} role="img" aria-label={alt} aria-busy="true">
          {placeholder}
        </span>
        {meter}
      </>
    )
  }
  return (
    <>
      <img
        ref={imgRef}
        alt={alt}
        aria-busy={loading || undefined}
        data-preview={state.isPreview || undefined}
        {...imgProps}
        src={img.src}
        onLoad={(event) => (img.onLoad(event), onLoad?.(event))}
        onError={(event) => (img.onError(event), onError?.(event))}
      />
      {meter}
    </>
  )
})
