import { Subscribable } from '../core/internal.js'

/** What the visible `<img>` of one image shows. */
export interface ImageSwapState {
  /** The src the `<img>` renders. */
  src: string | undefined
  /** Whether `src` has loaded and decoded. */
  loaded: boolean
  /** The newest src that failed to load or decode. */
  failed: string | undefined
}

/** Nothing on screen yet. */
export const NOTHING_SHOWN: ImageSwapState = { src: undefined, loaded: false, failed: undefined }

const same = (a: ImageSwapState, b: ImageSwapState) =>
  a.src === b.src && a.loaded === b.loaded && a.failed === b.failed

/**
 * Which src the visible `<img>` of one image shows, without React. With `direct`, the first
 * image loads in the `<img>` itself and is fetched and decoded once. Otherwise (something
 * else is on screen: a placeholder, or a previous image) the next one is decoded
 * off-screen by `decode` first and swapped in only then, so a swap never flashes a blank or
 * broken frame. `decode` is passed in, as react-image passes its image loader: in a browser
 * it is `new Image()` and `decode()`, in tests anything that resolves or rejects.
 */
export class ImageSwap {
  private state = NOTHING_SHOWN
  private probing: { src: string; live: boolean } | undefined
  private readonly changes = new Subscribable()

  constructor(private readonly decode: (src: string) => Promise<void>) {}

  /** Listens to changes of `getSnapshot()`. */
  readonly subscribe = (listener: () => void): (() => void) => this.changes.subscribe(listener)

  /** The state committed so far. */
  readonly getSnapshot = (): ImageSwapState => this.state

  /**
   * The state the `<img>` shows for `candidate`, computed without changing anything, so a
   * render can show it at once; `show` then commits it.
   */
  preview(candidate: string | undefined, direct: boolean): ImageSwapState {
    const { state } = this
    if (candidate === undefined)
      return state.src === undefined ? state : { ...NOTHING_SHOWN, failed: state.failed }
    if (direct && !state.loaded && state.src !== candidate && state.failed !== candidate)
      return { src: candidate, loaded: false, failed: state.failed }
    return state
  }

  /**
   * Shows `candidate` as `preview` says, and decodes it off-screen first when it must.
   * `rendered` is what a render already shows: committing the same tells no listener.
   */
  show(candidate: string | undefined, direct: boolean, rendered?: ImageSwapState): void {
    const next = this.preview(candidate, direct)
    if (rendered && same(next, rendered)) this.state = next
    else this.set(next)
    const { state } = this
    const probe =
      candidate !== undefined &&
      candidate !== state.src &&
      state.failed !== candidate &&
      (state.loaded || !direct)
    if (this.probing && (!probe || this.probing.src !== candidate)) this.stopProbe()
    if (probe && !this.probing) this.startProbe(candidate)
  }

  /** The `<img>` loaded `src`; it counts as shown once `decodeShown` (its own decode) resolves. */
  loaded(src: string | undefined, decodeShown: () => Promise<void>): void {
    decodeShown().then(
      () => {
        if (this.state.src === src) this.set({ ...this.state, loaded: true })
      },
      () => this.failed(src),
    )
  }

  /** The `<img>` could not load or decode `src`. */
  failed(src: string | undefined): void {
    if (this.state.src === src && !this.state.loaded) this.set({ ...NOTHING_SHOWN, failed: src })
  }

  /** Stops what is running; the swap is not used after. */
  dispose(): void {
    this.stopProbe()
  }

  private startProbe(src: string): void {
    const probing = { src, live: true }
    this.probing = probing
    this.decode(src).then(
      () => probing.live && this.settleProbe({ src, loaded: true, failed: undefined }),
      () => probing.live && this.settleProbe({ ...this.state, failed: src }),
    )
  }

  private settleProbe(next: ImageSwapState): void {
    this.probing = undefined
    this.set(next)
  }

  private stopProbe(): void {
    if (this.probing) this.probing.live = false
    this.probing = undefined
  }

  private set(next: ImageSwapState): void {
    if (same(next, this.state)) return
    this.state = next
    this.changes.emit()
  }
}
