import type { QueryClient } from '@tanstack/query-core'
import { versionKey, type DownloadProgress, type ImageRecord, type PixstoreError } from '../core/internal.js'
import { ClientObserver } from './ClientObserver.js'
import { previewLoads } from './imageDecisions.js'
import { imageQueryKey } from './ImageQuery.js'
import { ImagePath, type ImagePathOptions, type ImagePathResult } from './ImagePath.js'
import type { PixstoreClient } from './PixstoreClient.js'

/** When the full image of a record is fetched. */
export type LoadFull = 'eager' | 'visible' | 'manual'

/** Options of an `ImageObserver` (and of `useSecureImage`). */
export interface ImageObserverOptions {
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
  /** Report `progress` as the full image downloads (a change per chunk, so only when asked). @default false */
  trackProgress?: boolean
}

/** What an `ImageObserver` reports about one displayed image, whatever its status. */
interface ImageObserverState {
  /** Which path the image comes through. */
  via: 'worker' | 'object-url' | undefined
  /** True while the preview stands in for the full image. */
  isPreview: boolean
  /** Bytes of the full image received so far, while its body downloads (object URL path, with `trackProgress`). */
  progress: DownloadProgress | undefined
  /** The src of the visible `<img>`; undefined until there is something to load. */
  src: string | undefined
}

/** What an `ImageObserver` reports: `status === 'error'` narrows `error` to a `PixstoreError`. */
export type ImageObserverResult = ImageObserverState &
  (
    | { status: 'loading'; error: null }
    | { status: 'error'; error: PixstoreError }
    | { status: 'success'; error: null }
  )

type Options = ImageObserverOptions & { record: ImageRecord | null | undefined }

/**
 * One displayed image, without React, and the only observer of it: its full image and its
 * preview, each on its path (`ImagePath`, whose sources it listens to), the full one fetched
 * when `loadFull` says so, the preview shown until the full one is decoded. The decoder is
 * passed in (in a browser `new Image()` and `decode()`), so the observer runs in Node as well.
 */
export class ImageObserver extends ClientObserver<Options, ImageObserverResult> {
  private readonly full: ImagePath
  private small: ImagePath | undefined
  // A full image asked for by `load()`, or shown once, stays wanted: scrolling a shown image
  // away must not take it off the worker path.
  private kept: string | undefined

  constructor(
    private readonly client: PixstoreClient,
    private readonly queryClient: QueryClient,
    options: Options,
    private readonly decode: (src: string) => Promise<void>,
  ) {
    super(options)
    this.full = new ImagePath(client, queryClient, decode)
  }

  getOptimisticResult(options: Options): ImageObserverResult {
    const full = this.full.result(this.fullOptions(options))
    const small = options.preview ? this.smallPath().result(this.smallOptions(options, full)) : undefined
    const isPreview = !!small && full.status === 'loading' && small.status === 'success'
    const shown = isPreview || (small && full.src === undefined) ? small! : full
    return {
      ...(full.status === 'error'
        ? { status: 'error', error: full.error }
        : { status: full.status, error: null }),
      via: isPreview ? small!.via : full.via,
      isPreview,
      progress: full.progress,
      src: shown.src,
    }
  }

  protected commit(options: Options): void {
    const fullOptions = this.fullOptions(options)
    const sources = this.full.commit(fullOptions)
    const full = this.full.result(fullOptions)
    const { record } = options
    if (options.loadFull === 'visible' && full.status === 'success' && record) this.kept = versionKey(record)
    if (options.preview || this.small)
      sources.push(...this.smallPath().commit(this.smallOptions(options, full)))
    // Off screen before it loaded: cancel, so a scrolled-past image costs no request.
    if (!fullOptions.enabled && full.fetching && record)
      void this.queryClient.cancelQueries({ queryKey: imageQueryKey(record), exact: true })
    this.follow(sources)
  }

  protected override stopped(): void {
    this.full.dispose()
    this.small?.dispose()
  }

  /** Starts loading the full image (for `loadFull: 'manual'`). */
  readonly load = (): void => {
    const { record } = this.options
    this.kept = record ? versionKey(record) : undefined
    this.recommit()
  }

  /** Loads the image again after an error, or after a logout held it. */
  readonly retry = (): void => {
    this.full.retry(this.fullOptions(this.options))
    this.recommit()
  }

  /** The `<img>` loaded `src`; it counts as shown once `decodeShown` (its own decode) resolves. */
  loaded(src: string | undefined, decodeShown: () => Promise<void>): void {
    const decoded = decodeShown()
    this.full.loaded(src, () => decoded)
    this.small?.loaded(src, () => decoded)
  }

  /** The `<img>` could not load or decode `src`. */
  failed(src: string | undefined): void {
    this.full.failed(src)
    this.small?.failed(src)
  }

  private fullOptions(options: Options): ImagePathOptions {
    const { record, loadFull = 'eager', inView = true } = options
    const wanted =
      loadFull === 'eager' ||
      (loadFull === 'visible' && inView) ||
      (this.kept !== undefined && record != null && this.kept === versionKey(record))
    return {
      record,
      enabled: wanted,
      direct: !options.placeholder && !options.preview,
      trackProgress: options.trackProgress ?? false,
    }
  }

  private smallOptions(options: Options, full: ImagePathResult): ImagePathOptions {
    const { preview } = options
    return {
      record: preview,
      enabled: previewLoads(!!preview, full.status === 'success'),
      direct: !options.placeholder,
      trackProgress: false,
    }
  }

  private smallPath(): ImagePath {
    return (this.small ??= new ImagePath(this.client, this.queryClient, this.decode))
  }
}
