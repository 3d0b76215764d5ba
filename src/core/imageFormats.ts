import { PixstoreError } from './PixstoreError.js'

/** Image formats pixstore 3 knows by name. */
export type ImageFormat =
  | 'jpeg'
  | 'jpg'
  | 'png'
  | 'webp'
  | 'gif'
  | 'bmp'
  | 'tiff'
  | 'tif'
  | 'ico'
  | 'svg'
  | 'avif'
  | 'heif'
  | 'heic'
  | 'jfif'
  | 'pjpeg'
  | 'pjp'
  | 'apng'
  | 'raw'
  | 'emf'
  | 'wmf'
  | 'cur'
  | 'dds'
  | 'icns'
  | 'ras'
  | 'sgi'
  | 'tga'
  | 'xbm'
  | 'xpm'

/** pixstore's default list; the format byte is a 1-based index into it. */
export const DEFAULT_IMAGE_FORMATS: readonly ImageFormat[] = ['png', 'webp', 'jpg', 'jpeg']

const MIME_TYPES: Partial<Record<ImageFormat, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jfif: 'image/jpeg',
  pjpeg: 'image/jpeg',
  pjp: 'image/jpeg',
  svg: 'image/svg+xml',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  ico: 'image/vnd.microsoft.icon',
  cur: 'image/x-icon',
  bmp: 'image/bmp',
  xbm: 'image/x-xbitmap',
  xpm: 'image/x-xpixmap',
  tga: 'image/x-tga',
  raw: 'application/octet-stream',
}

/** The registered MIME type of a format (`jpg` is `image/jpeg`, `svg` is `image/svg+xml`). */
export function imageMimeType(format: ImageFormat): string {
  return MIME_TYPES[format] ?? `image/${format}`
}

/** The format a plaintext's first byte selects, or `unsupported-format`. */
export function formatOfByte(byte: number, formats: readonly ImageFormat[]): ImageFormat {
  const format = formats[byte - 1]
  if (format === undefined) {
    throw new PixstoreError('unsupported-format', `Unknown image format byte ${byte}`)
  }
  return format
}

/** The format byte of a format, or `unsupported-format`. */
export function byteOfFormat(format: ImageFormat, formats: readonly ImageFormat[]): number {
  const index = formats.indexOf(format)
  if (index < 0) throw new PixstoreError('unsupported-format', `Format ${format} is not configured`)
  return index + 1
}
