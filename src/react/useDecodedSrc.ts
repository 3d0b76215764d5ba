import { useEffect, useState } from 'react'

/** What `useDecodedSrc` reports. */
export interface DecodedSrc {
  /** The newest src that decoded; the previous one stays until the next has decoded. */
  src: string | undefined
  /** The src that failed to decode, if the newest one did. */
  failed: string | undefined
}

/**
 * Decodes `candidate` off-screen before handing it out, so swapping images never flashes a
 * broken or half-drawn frame. An undefined candidate clears what was shown.
 */
export function useDecodedSrc(candidate: string | undefined): DecodedSrc {
  const [state, setState] = useState<DecodedSrc>({ src: undefined, failed: undefined })
  const current = candidate === undefined ? { src: undefined, failed: undefined } : state

  useEffect(() => {
    if (candidate === undefined || candidate === state.src) return
    let live = true
    const probe = new Image()
    probe.src = candidate
    probe.decode().then(
      () => live && setState({ src: candidate, failed: undefined }),
      () => live && setState((previous) => ({ src: previous.src, failed: candidate })),
    )
    return () => {
      live = false
    }
  }, [candidate, state.src])

  return current
}
