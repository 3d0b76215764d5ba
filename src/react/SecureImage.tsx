import { forwardRef, type ImgHTMLAttributes, type ReactNode } from 'react'
import type { ImageRecord, PixstoreError } from '../core/index.js'
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
}

/** An `<img>` for an encrypted image: a thin shell over `useSecureImage`. */
export const SecureImage = forwardRef<HTMLImageElement, SecureImageProps>(function SecureImage(
  { record, alt, placeholder, fallback, onLoad, onError, ...imgProps },
  ref,
) {
  const { status, error, retry, img } = useSecureImage(record, { placeholder: placeholder !== undefined })
  if (status === 'error')
    return <>{typeof fallback === 'function' ? fallback(error!, retry) : (fallback ?? null)}</>
  const loading = status === 'loading'
  if (loading && placeholder !== undefined) {
    return (
      <span role="img" aria-label={alt} aria-busy="true">
        {placeholder}
      </span>
    )
  }
  return (
    <img
      ref={ref}
      alt={alt}
      aria-busy={loading || undefined}
      {...imgProps}
      src={img.src}
      onLoad={(event) => (img.onLoad(event), onLoad?.(event))}
      onError={(event) => (img.onError(event), onError?.(event))}
    />
  )
})
