// The display decisions of one image, as plain functions of state and options (as TanStack
// Query's `shouldFetchOnMount` and `isStale`): the observers only apply what these return.
import type { WorkerStatus } from '../window/index.js'

/**
 * A logout is final for what is on screen: after a clear (here or in another tab) an image,
 * or a prefetch, that was already shown or loading is held: it fetches nothing by itself. It
 * loads again only with a new `what` (another record version, another list), a new holder (a
 * remount), or a release (the app's refetch or retry), which follows it again from now.
 */
export interface ClearHold {
  /** What is followed: a version key, a list's signature. */
  readonly what: string | undefined
  /** The clear epoch when it was followed or released. */
  readonly since: number
}

/** The hold of `what` from `clearEpoch` on: the same hold while `what` is the same. */
export function followHold(hold: ClearHold, what: string | undefined, clearEpoch: number): ClearHold {
  return what === hold.what ? hold : { what, since: clearEpoch }
}

/** Whether `what` is held: it is what `hold` follows, and a clear came since. */
export function isHeld(hold: ClearHold, what: string | undefined, clearEpoch: number): boolean {
  return what !== undefined && what === hold.what && clearEpoch > hold.since
}

/** The path chosen for one version of an image, in one clear epoch. */
export interface ChosenPath {
  readonly version: string
  readonly clearEpoch: number
  /** Through the worker's URL (else its query's object URL). */
  readonly worker: boolean
  /** Started while the worker registered: to be handed to the worker once shown. */
  readonly warm: boolean
}

/**
 * The path of a version: the one chosen before while the version and the clear epoch are the
 * same (switching a shown image to the worker when it takes over would fetch and decode it
 * twice), else the worker's when it controls the page.
 */
export function choosePath(
  chosen: ChosenPath | undefined,
  version: string | undefined,
  clearEpoch: number,
  workerStatus: () => WorkerStatus,
): ChosenPath | undefined {
  if (version === undefined) return undefined
  if (chosen?.version === version && chosen.clearEpoch === clearEpoch) return chosen
  const status = workerStatus()
  return { version, clearEpoch, worker: status === 'ready', warm: status === 'registering' }
}

/** The preview-then-full rule: a preview loads, and may stand in, until the full image shows. */
export function previewLoads(hasPreview: boolean, fullShown: boolean): boolean {
  return hasPreview && !fullShown
}
