import { describe, expect, it } from 'vitest'
import { FetchLimiter } from '../../src/core/internal'

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

  it('forgets the signal of a waiter once it starts, so a later abort takes no one else out of the queue', async () => {
    const limiter = new FetchLimiter(1)
    const first = await limiter.acquire(new AbortController().signal)
    const late = new AbortController()
    const second = limiter.acquire(late.signal)
    const third = limiter.acquire(new AbortController().signal)
    first()
    const releaseSecond = await second
    late.abort()
    releaseSecond()
    const releaseThird = await third
    expect(limiter.running).toBe(1)
    releaseThird()
    expect(limiter.running).toBe(0)
  })

  it('rejects at once with the reason of a signal already aborted, and refuses a limit below 1', async () => {
    const limiter = new FetchLimiter(1)
    const reason = new Error('gone')
    expect(() => limiter.acquire(AbortSignal.abort(reason))).toThrow(reason)
    expect(limiter.running).toBe(0)
    expect(() => new FetchLimiter(0)).toThrow(
      expect.objectContaining({
        code: 'invalid-option',
        message: expect.stringContaining('maxConcurrentFetches'),
      }),
    )
    expect(() => new FetchLimiter(0.5, 'concurrency')).toThrow(
      expect.objectContaining({ code: 'invalid-option', message: expect.stringContaining('concurrency') }),
    )
  })
})
