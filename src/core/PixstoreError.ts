/**
 * Every failure this kit reports, as a stable machine-readable code.
 *
 * - `not-found`, `missing-id`, `missing-proof`, `invalid-proof`, `server-error`: the
 *   backend answered with that wire state.
 * - `network`: the request never got a response; `http-status`: a non-2xx response.
 * - `bad-payload`: the body is not a valid pixstore 3 payload.
 * - `decrypt-failed`: AES-GCM authentication failed (wrong key, iv, tag or bytes).
 * - `unsupported-format`: the format byte is not in `imageFormats`.
 * - `timeout`, `aborted`: the request was cut short.
 * - `storage`: IndexedDB or Cache Storage refused an operation.
 * - `invalid-option`: an option is out of its range (thrown when the service, store or
 *   worker is created, never by a request).
 */
export type PixstoreErrorCode =
  | 'not-found'
  | 'missing-id'
  | 'missing-proof'
  | 'invalid-proof'
  | 'server-error'
  | 'network'
  | 'http-status'
  | 'bad-payload'
  | 'decrypt-failed'
  | 'unsupported-format'
  | 'timeout'
  | 'aborted'
  | 'storage'
  | 'invalid-option'

const RETRYABLE: ReadonlySet<PixstoreErrorCode> = new Set(['network', 'server-error', 'timeout'])

/** The one error class of the kit. Check `error.code`, not the message. */
export class PixstoreError extends Error {
  override readonly name = 'PixstoreError'
  readonly code: PixstoreErrorCode
  /** HTTP status for `http-status` errors. */
  readonly status: number | undefined

  constructor(code: PixstoreErrorCode, message: string, options: { cause?: unknown; status?: number } = {}) {
    super(message, { cause: options.cause })
    this.code = code
    this.status = options.status
  }

  /**
   * True for failures that can heal on their own, so a retry is worth it: `network`,
   * `timeout`, `server-error`, and `http-status` 408, 429 or 5xx.
   */
  get retryable(): boolean {
    if (this.code === 'http-status')
      return this.status === 408 || this.status === 429 || (this.status ?? 0) >= 500
    return RETRYABLE.has(this.code)
  }
}

/** Type guard that also accepts a code to match. */
export function isPixstoreError(error: unknown, code?: PixstoreErrorCode): error is PixstoreError {
  return error instanceof PixstoreError && (code === undefined || error.code === code)
}
