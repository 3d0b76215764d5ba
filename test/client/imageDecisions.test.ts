// The display decisions as plain functions of state and options: each case names the rule.
import { describe, expect, it } from 'vitest'
import { choosePath, followHold, isHeld, previewLoads } from '../../src/client/imageDecisions'
import type { WorkerStatus } from '../../src/window'

describe('the clear hold', () => {
  const fresh = { what: undefined, since: 0 }

  it('holds what it follows once a clear came since, and nothing else', () => {
    const hold = followHold(fresh, 'a', 0)
    expect(hold).toEqual({ what: 'a', since: 0 })
    expect(isHeld(hold, 'a', 0)).toBe(false)
    expect(isHeld(hold, 'a', 1)).toBe(true)
    expect(isHeld(hold, 'b', 1)).toBe(false)
    expect(isHeld(hold, undefined, 1)).toBe(false)
    expect(isHeld(followHold(fresh, undefined, 0), undefined, 1)).toBe(false)
  })

  it('follows something new from the clear epoch it is followed in', () => {
    const hold = followHold(followHold(fresh, 'a', 0), 'b', 3)
    expect(hold).toEqual({ what: 'b', since: 3 })
    expect(isHeld(hold, 'b', 3)).toBe(false)
    expect(isHeld(hold, 'b', 4)).toBe(true)
  })

  it('stays the same hold while it follows the same thing', () => {
    const hold = followHold(fresh, 'a', 0)
    expect(followHold(hold, 'a', 5)).toBe(hold)
    expect(isHeld(followHold(hold, 'a', 5), 'a', 5)).toBe(true)
  })
})

describe('choosePath', () => {
  const status = (value: WorkerStatus) => {
    const read = () => (read.reads++, value)
    read.reads = 0
    return read
  }

  it('takes the worker when it controls the page, the object URL otherwise, and marks a registering start', () => {
    expect(choosePath(undefined, 'v', 0, status('ready'))).toEqual({
      version: 'v',
      clearEpoch: 0,
      worker: true,
      warm: false,
    })
    expect(choosePath(undefined, 'v', 0, status('registering'))).toEqual({
      version: 'v',
      clearEpoch: 0,
      worker: false,
      warm: true,
    })
    for (const value of ['failed', 'unsupported'] as const)
      expect(choosePath(undefined, 'v', 0, status(value))).toMatchObject({ worker: false, warm: false })
  })

  it('keeps the choice of a version in its clear epoch without asking the status again', () => {
    const chosen = choosePath(undefined, 'v', 2, status('registering'))
    const ready = status('ready')
    expect(choosePath(chosen, 'v', 2, ready)).toBe(chosen)
    expect(ready.reads).toBe(0)
  })

  it('chooses again for another version or after a clear', () => {
    const chosen = choosePath(undefined, 'v', 2, status('registering'))
    expect(choosePath(chosen, 'w', 2, status('ready'))).toMatchObject({ version: 'w', worker: true })
    expect(choosePath(chosen, 'v', 3, status('ready'))).toMatchObject({ clearEpoch: 3, worker: true })
  })

  it('chooses nothing without a version', () => {
    const ready = status('ready')
    expect(choosePath(undefined, undefined, 0, ready)).toBeUndefined()
    expect(ready.reads).toBe(0)
  })
})

describe('previewLoads', () => {
  it('loads a preview there is, until the full image shows', () => {
    expect(previewLoads(true, false)).toBe(true)
    expect(previewLoads(true, true)).toBe(false)
    expect(previewLoads(false, false)).toBe(false)
  })
})
