import { describe, expect, it } from 'vitest'
import { checkOption } from '../../src/core/internal'

const refusal = (message: string) => expect.objectContaining({ code: 'invalid-option', message })

describe('checkOption', () => {
  it('accepts an option left out, and whole numbers from 0 by default', () => {
    expect(() => checkOption('n', undefined)).not.toThrow()
    expect(() => checkOption('n', 0)).not.toThrow()
    expect(() => checkOption('n', 7)).not.toThrow()
  })

  it('refuses fractions, negatives, NaN and infinities for a count, saying what it needs', () => {
    expect(() => checkOption('maxEntries', 1.5)).toThrow(
      refusal('maxEntries must be an integer of at least 0, not 1.5'),
    )
    expect(() => checkOption('maxEntries', -1)).toThrow(
      refusal('maxEntries must be an integer of at least 0, not -1'),
    )
    expect(() => checkOption('maxEntries', Number.NaN)).toThrow(
      refusal('maxEntries must be an integer of at least 0, not NaN'),
    )
    expect(() => checkOption('maxEntries', Infinity)).toThrow(
      refusal('maxEntries must be an integer of at least 0, not Infinity'),
    )
  })

  it('holds to the minimum asked for', () => {
    expect(() => checkOption('limit', 1, { min: 1 })).not.toThrow()
    expect(() => checkOption('limit', 0, { min: 1 })).toThrow(
      refusal('limit must be an integer of at least 1, not 0'),
    )
  })

  it('takes fractional delays up to the longest a timer can hold', () => {
    const delay = { integer: false }
    expect(() => checkOption('timeout', 0.5, delay)).not.toThrow()
    expect(() => checkOption('timeout', 2 ** 31 - 1, delay)).not.toThrow()
    expect(() => checkOption('timeout', 2 ** 31, delay)).toThrow(
      refusal(`timeout must be a number of milliseconds of at least 0, not ${2 ** 31}`),
    )
    expect(() => checkOption('timeout', -Infinity, delay)).toThrow(
      refusal('timeout must be a number of milliseconds of at least 0, not -Infinity'),
    )
  })
})
