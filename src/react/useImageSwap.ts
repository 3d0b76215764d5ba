import { useEffect, useState, type SyntheticEvent } from 'react'

/** What `useImageSwap` hands to the visible `<img>`. */
export interface ImageSwap {
  /** The src the `<img>` renders. */
  src: string | undefined
  /** Whether `src` has loaded and decoded. */
  loaded: boolean
  /** The newest src that failed to load or decode. */
  failed: string | undefined
  onLoad(event: SyntheticEvent<HTMLImageElement>): void
  onError(event: SyntheticEvent<HTMLImageElement>): void
}

interface State {
  src: string | undefined
  loaded: boolean
  failed: string | undefined
}

const EMPTY: State = { src: undefined, loaded: false, failed: undefined }

/**
 * Which src the visible `<img>` shows. With `direct`, the first image loads in the `<img>`
 * itself and is fetched and decoded once. Otherwise (something else is on screen: a
 * placeholder, or a previous image) the next image is decoded off-screen first and swapped
 * in only then, so the swap never flashes a blank or broken frame.
 */
export function useImageSwap(candidate: string | undefined, direct: boolean): ImageSwap {
  const [state, setState] = useState<State>(EMPTY)
  let current = state
  // Adjusting state to a new candidate during render.
  if (candidate === undefined && state.src !== undefined) {
    current = { ...EMPTY, failed: state.failed }
    setState(current)
  } else if (
    direct &&
    candidate !== undefined &&
    !state.loaded &&
    state.src !== candidate &&
    state.failed !== candidate
  ) {
    current = { src: candidate, loaded: false, failed: state.failed }
    setState(current)
  }

  const probing =
    candidate !== undefined &&
    candidate !== current.src &&
    current.failed !== candidate &&
    (current.loaded || !direct)
  useEffect(() => {
    if (!probing) return
    let live = true
    const probe = new Image()
    probe.src = candidate
    probe.decode().then(
      () => live && setState({ src: candidate, loaded: true, failed: undefined }),
      () => live && setState((previous) => ({ ...previous, failed: candidate })),
    )
    return () => {
      live = false
    }
  }, [probing, candidate])

  return {
    ...current,
    onLoad(event) {
      const img = event.currentTarget
      const src = img.getAttribute('src')
      img.decode().then(
        () => setState((previous) => (previous.src === src ? { ...previous, loaded: true } : previous)),
        () =>
          setState((previous) =>
            previous.src === src && !previous.loaded ? { ...EMPTY, failed: src ?? undefined } : previous,
          ),
      )
    },
    onError(event) {
      const src = event.currentTarget.getAttribute('src') ?? undefined
      setState((previous) =>
        previous.src === src && !previous.loaded ? { ...EMPTY, failed: src } : previous,
      )
    },
  }
}
