import { PixstoreError } from './PixstoreError.js'

/** The range a numeric option must be in. */
export interface OptionRange {
  /** Smallest allowed value. @default 0 */
  min?: number
  /** Whether only whole numbers are allowed. @default true */
  integer?: boolean
}

/** The longest delay a timer can hold; a longer one fires at once. */
const MAX_DELAY = 2 ** 31 - 1

/**
 * Throws an `invalid-option` error unless `value` is undefined or a finite number in range:
 * a zero, negative, NaN or infinite limit would make every request wait forever or fail.
 * Delays (`integer: false`) are also capped at what `setTimeout` can hold.
 */
export function checkOption(name: string, value: number | undefined, range: OptionRange = {}): void {
  if (value === undefined) return
  const { min = 0, integer = true } = range
  const valid =
    Number.isFinite(value) && value >= min && (integer ? Number.isInteger(value) : value <= MAX_DELAY)
  if (!valid) {
    const kind = integer ? 'an integer' : 'a number of milliseconds'
    throw new PixstoreError(
      'invalid-option',
      `${name} must be ${kind} of at least ${min}, not ${String(value)}`,
    )
  }
}
