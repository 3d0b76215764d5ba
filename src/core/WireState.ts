import type { PixstoreErrorCode } from './PixstoreError.js'

/** The first byte of every pixstore 3 response body. */
export const WireState = {
  Success: 0,
  Updated: 1,
  NotFound: 2,
  MissingID: 3,
  MissingProof: 4,
  InvalidProof: 5,
  InternalError: 6,
} as const

export type WireState = (typeof WireState)[keyof typeof WireState]

/** A state that carries no image. */
export type WireErrorState = Exclude<WireState, typeof WireState.Success | typeof WireState.Updated>

/** The error code each bodiless state turns into. */
export const WIRE_STATE_ERROR_CODES: Readonly<Record<WireErrorState, PixstoreErrorCode>> = {
  [WireState.NotFound]: 'not-found',
  [WireState.MissingID]: 'missing-id',
  [WireState.MissingProof]: 'missing-proof',
  [WireState.InvalidProof]: 'invalid-proof',
  [WireState.InternalError]: 'server-error',
}
