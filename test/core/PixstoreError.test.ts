import { describe, expect, it } from 'vitest'
import { isPixstoreError, PixstoreError, type PixstoreErrorCode } from '../../src/core'

describe('PixstoreError', () => {
  it('keeps its code, message, cause and status', () => {
    const cause = new Error('socket closed')
    const error = new PixstoreError('http-status', 'Image endpoint answered 503', { cause, status: 503 })
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({
      name: 'PixstoreError',
      code: 'http-status',
      message: 'Image endpoint answered 503',
      status: 503,
      cause,
    })
  })

  it.each<[PixstoreErrorCode, boolean]>([
    ['network', true],
    ['server-error', true],
    ['timeout', true],
    ['not-found', false],
    ['missing-id', false],
    ['missing-proof', false],
    ['invalid-proof', false],
    ['bad-payload', false],
    ['decrypt-failed', false],
    ['unsupported-format', false],
    ['aborted', false],
    ['storage', false],
    ['invalid-option', false],
  ])('is retryable for %s: %s', (code, retryable) => {
    expect(new PixstoreError(code, 'x').retryable).toBe(retryable)
  })

  it.each([
    [408, true],
    [429, true],
    [500, true],
    [503, true],
    [599, true],
    [499, false],
    [404, false],
    [403, false],
    [undefined, false],
  ])('is retryable for http-status %s: %s', (status, retryable) => {
    expect(new PixstoreError('http-status', 'x', { status }).retryable).toBe(retryable)
  })
})

describe('isPixstoreError', () => {
  it('tells a PixstoreError, of any code or of the code asked for', () => {
    const error = new PixstoreError('timeout', 'slow')
    expect(isPixstoreError(error)).toBe(true)
    expect(isPixstoreError(error, 'timeout')).toBe(true)
    expect(isPixstoreError(error, 'network')).toBe(false)
    expect(isPixstoreError(new Error('timeout'))).toBe(false)
    expect(isPixstoreError({ name: 'PixstoreError', code: 'timeout' }, 'timeout')).toBe(false)
  })
})
