// The base of the observers, through the smallest observer made on it: a counter whose result
// is the options' `add` plus what its sources have counted.
import { describe, expect, it } from 'vitest'
import { ClientObserver, type Source } from '../../src/client'

interface Options {
  add: number
  /** How many sources the commit follows. */
  follow?: number
}

/** A source the test drives: `bump()` tells its listener, `live` counts its listeners. */
function source() {
  const listeners = new Set<() => void>()
  const made = {
    count: 0,
    live: 0,
    subscribe: ((listener) => {
      listeners.add(listener)
      made.live++
      return () => {
        if (listeners.delete(listener)) made.live--
      }
    }) as Source,
    bump() {
      made.count++
      for (const listener of [...listeners]) listener()
    },
  }
  return made
}

class Counter extends ClientObserver<Options, { total: number }> {
  commits = 0
  ended = 0
  /** A commit that bumps its first source, as a child's own change heard while committing. */
  bumpWhileCommitting = false

  constructor(
    options: Options,
    readonly feeds = [source(), source()],
  ) {
    super(options)
  }

  getOptimisticResult(options: Options) {
    return { total: options.add + this.feeds.reduce((sum, s) => sum + s.count, 0) }
  }

  protected commit(options: Options): void {
    this.commits++
    if (this.bumpWhileCommitting) this.feeds[0]!.bump()
    this.follow(this.feeds.slice(0, options.follow ?? this.feeds.length).map((s) => s.subscribe))
  }

  protected override stopped(): void {
    this.ended++
  }
}

describe('ClientObserver', () => {
  it('follows its sources only while it has listeners, and stops them with the last', () => {
    const observer = new Counter({ add: 1 })
    const [a, b] = observer.feeds
    observer.setOptions({ add: 1 })
    expect([a!.live, b!.live]).toEqual([0, 0])
    const first = observer.subscribe(() => undefined)
    const second = observer.subscribe(() => undefined)
    expect([a!.live, b!.live]).toEqual([1, 1])
    first()
    first()
    expect([a!.live, b!.live]).toEqual([1, 1])
    expect(observer.ended).toBe(0)
    second()
    expect([a!.live, b!.live]).toEqual([0, 0])
    expect(observer.ended).toBe(1)
  })

  it('commits again when a source changes, and tells its listeners of the new result once', () => {
    const observer = new Counter({ add: 1 })
    observer.setOptions({ add: 1 })
    const heard: number[] = []
    observer.subscribe(() => heard.push(observer.getCurrentResult().total))
    const commits = observer.commits
    const version = observer.getVersion()
    observer.feeds[1]!.bump()
    expect(observer.commits).toBe(commits + 1)
    expect(heard).toEqual([2])
    expect(observer.getVersion()).toBe(version + 1)
  })

  it('stops a source a commit leaves out, and starts one it takes up', () => {
    const observer = new Counter({ add: 0 })
    const [a, b] = observer.feeds
    observer.setOptions({ add: 0, follow: 2 })
    observer.subscribe(() => undefined)
    observer.setOptions({ add: 0, follow: 1 })
    expect([a!.live, b!.live]).toEqual([1, 0])
    observer.setOptions({ add: 0, follow: 2 })
    expect([a!.live, b!.live]).toEqual([1, 1])
  })

  it('commits options shallowly equal to the last ones only once, and tells nobody of a result a render already shows', () => {
    const observer = new Counter({ add: 1 })
    const heard: number[] = []
    observer.setOptions({ add: 1 }, observer.getOptimisticResult({ add: 1 }))
    observer.subscribe(() => heard.push(observer.getVersion()))
    expect(heard).toEqual([])
    observer.setOptions({ add: 2 }, observer.getOptimisticResult({ add: 2 }))
    const commits = observer.commits
    observer.setOptions({ add: 2 }, observer.getOptimisticResult({ add: 2 }))
    expect(observer.commits).toBe(commits)
    expect(heard).toEqual([])
    // Without the rendered result, a change is told.
    observer.setOptions({ add: 3 })
    expect(heard).toEqual([1])
    expect(observer.getCurrentResult()).toEqual({ total: 3 })
    // New options with the same result: told nothing, with or without what was rendered.
    observer.setOptions({ add: 3, follow: 2 })
    expect(heard).toEqual([1])
  })

  it('a commit that makes its own source change does not commit again inside itself', () => {
    const observer = new Counter({ add: 0 })
    observer.setOptions({ add: 0 })
    observer.subscribe(() => undefined)
    observer.bumpWhileCommitting = true
    const commits = observer.commits
    observer.setOptions({ add: 1 })
    expect(observer.commits).toBe(commits + 1)
    expect(observer.getCurrentResult().total).toBe(2)
  })

  it('a subscription after the commit commits again, so a change in between is not lost', () => {
    const observer = new Counter({ add: 0 })
    observer.setOptions({ add: 0 })
    const commits = observer.commits
    observer.feeds[0]!.bump()
    const heard: number[] = []
    observer.subscribe(() => heard.push(observer.getCurrentResult().total))
    expect(observer.commits).toBe(commits + 1)
    expect(heard).toEqual([1])
  })

  it('a subscription before any commit tells what changed since the result was last seen', () => {
    const observer = new Counter({ add: 0 })
    const heard: number[] = []
    observer.subscribe(() => heard.push(observer.getCurrentResult().total))
    expect(observer.commits).toBe(0)
    expect(heard).toEqual([0])
  })
})
