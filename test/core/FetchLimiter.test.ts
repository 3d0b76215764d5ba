import { describe, expect, it } from 'vitest'
import { FetchLimiter } from '../../src/core'

describe('FetchLimiter', () => {
  it('runs at most `limit` at once, the rest in order, and never starts a waiter that aborted', async () => {
    const limiter = new FetchLimiter(2)
    const started: string[] = []
    const releases = new Map<string, () => void>()
    const take = (name: string, signal = new AbortController().signal) =>
      limiter.acquire(signal).then((release) => {
        started.push(name)
        releases.set(name, release)
      })
    const a = take('a')
    const b = take('b')
    const leaving = new AbortController()
    const c = take('c', leaving.signal)
    const d = take('d')
    await Promise.all([a, b])
    expect(started).toEqual(['a', 'b'])
    expect(limiter.running).toBe(2)
    leaving.abort(new Error('scrolled away'))
    await expect(c).rejects.toThrow('scrolled away')
    releases.get('a')!()
    releases.get('a')!() // a second release is a no-op
    await d
    expect(started).toEqual(['a', 'b', 'd'])
    expect(limiter.running).toBe(2)
  })
})
