import { afterEach, describe, expect, it, vi } from 'vitest'
import { postTask, TaskPacer } from '../../src/core/internal'
import { manualTasks } from '../support/manualTasks'

describe('TaskPacer', () => {
  it('gives `perTask` turns per task, in order, and posts one task at a time', async () => {
    const tasks = manualTasks()
    const pacer = new TaskPacer(2, tasks.schedule)
    const started: number[] = []
    for (const n of [1, 2, 3, 4, 5]) void pacer.turn().then(() => started.push(n))
    expect(tasks.queued).toBe(1)
    await new Promise((resolve) => setImmediate(resolve))
    expect(started).toEqual([])
    await tasks.next()
    expect(started).toEqual([1, 2])
    expect(tasks.queued).toBe(1)
    await tasks.next()
    expect(started).toEqual([1, 2, 3, 4])
    await tasks.next()
    expect(started).toEqual([1, 2, 3, 4, 5])
    expect(tasks.queued).toBe(0)
    // Idle, the next turn posts a task again.
    void pacer.turn().then(() => started.push(6))
    expect(tasks.queued).toBe(1)
    await tasks.next()
    expect(started).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('skips a turn whose signal aborted: it never starts and takes no place in a task', async () => {
    const tasks = manualTasks()
    const pacer = new TaskPacer(1, tasks.schedule)
    const started: string[] = []
    const leaving = new AbortController()
    void pacer.turn(leaving.signal).then(() => started.push('left'))
    void pacer.turn(new AbortController().signal).then(() => started.push('stayed'))
    leaving.abort()
    await tasks.next()
    expect(started).toEqual(['stayed'])
    expect(tasks.queued).toBe(0)
  })

  it('refuses a number of turns per task that would give none', () => {
    for (const perTask of [0, 1.5, NaN, Infinity])
      expect(() => new TaskPacer(perTask, () => undefined)).toThrow(
        expect.objectContaining({
          code: 'invalid-option',
          message: expect.stringContaining('imagesPerTask'),
        }),
      )
  })
})

describe('postTask', () => {
  afterEach(() => void vi.unstubAllGlobals())

  it("uses the platform's scheduler.postTask where there is one", () => {
    const posted: Array<() => void> = []
    vi.stubGlobal('scheduler', { postTask: (run: () => void) => (posted.push(run), Promise.resolve()) })
    const run = vi.fn()
    postTask(run)
    expect(posted).toEqual([run])
  })

  it('otherwise runs in a later task, not in this one', async () => {
    vi.stubGlobal('scheduler', undefined)
    let ran = false
    const done = new Promise<void>((resolve) => postTask(() => ((ran = true), resolve())))
    await Promise.resolve()
    expect(ran).toBe(false)
    await done
    expect(ran).toBe(true)
  })
})
