import { afterEach, describe, expect, it, vi } from 'vitest'
import { ObjectUrlRegistry } from '../../src/client/ObjectUrlRegistry'

const blob = () => new Blob([Uint8Array.of(1, 2, 3)], { type: 'image/png' })

describe('ObjectUrlRegistry', () => {
  afterEach(() => vi.restoreAllMocks())

  it('makes one URL per query and revokes the one a newer result replaces, and no other', () => {
    const urls = new ObjectUrlRegistry()
    const revoked = vi.spyOn(URL, 'revokeObjectURL')
    const first = urls.create('a', blob())
    const other = urls.create('b', blob())
    expect(first).toMatch(/^blob:/)
    expect(revoked).not.toHaveBeenCalled()
    const second = urls.create('a', blob())
    expect(second).not.toBe(first)
    expect(revoked.mock.calls).toEqual([[first]])
    urls.revokeAll()
    expect(revoked.mock.calls.slice(1).flat().sort()).toEqual([other, second].sort())
  })

  it("revokes one query's URL once, and nothing for a query without one", () => {
    const urls = new ObjectUrlRegistry()
    const url = urls.create('a', blob())
    const kept = urls.create('b', blob())
    const revoked = vi.spyOn(URL, 'revokeObjectURL')
    urls.revoke('a')
    urls.revoke('a')
    urls.revoke('never')
    expect(revoked.mock.calls).toEqual([[url]])
    // A query revoked is forgotten: revoking all leaves it alone.
    urls.revokeAll()
    expect(revoked.mock.calls).toEqual([[url], [kept]])
  })

  it('revokes every URL at once and forgets them', () => {
    const urls = new ObjectUrlRegistry()
    const made = [urls.create('a', blob()), urls.create('b', blob())]
    const revoked = vi.spyOn(URL, 'revokeObjectURL')
    urls.revokeAll()
    expect(revoked.mock.calls.flat().sort()).toEqual(made.sort())
    urls.revokeAll()
    urls.revoke('a')
    expect(revoked).toHaveBeenCalledTimes(2)
    // A query made again after gets a URL of its own, replacing nothing.
    urls.create('a', blob())
    expect(revoked).toHaveBeenCalledTimes(2)
  })
})
