import { describe, expect, it } from 'vitest'
import { ProgressRegistry } from '../../src/client/ProgressRegistry'

const progress = (received: number) => ({ received, total: 100 })

describe('ProgressRegistry', () => {
  it("keeps each query's latest progress and tells only that query's listeners", () => {
    const registry = new ProgressRegistry()
    const heard: string[] = []
    registry.subscribe('a', () => heard.push('a1'))
    registry.subscribe('a', () => heard.push('a2'))
    registry.subscribe('b', () => heard.push('b'))
    registry.report('a', progress(10))
    registry.report('a', progress(20))
    expect(registry.get('a')).toEqual(progress(20))
    expect(registry.get('b')).toBeUndefined()
    expect(heard).toEqual(['a1', 'a2', 'a1', 'a2'])
  })

  it('keeps and forgets the progress of a query nobody watches', () => {
    const registry = new ProgressRegistry()
    registry.report('a', progress(5))
    expect(registry.get('a')).toEqual(progress(5))
    registry.clear('a')
    expect(registry.get('a')).toBeUndefined()
  })

  it('forgets a query whose load ended, telling its listeners only when it had progress', () => {
    const registry = new ProgressRegistry()
    let heard = 0
    registry.subscribe('a', () => heard++)
    registry.clear('a')
    expect(heard).toBe(0)
    registry.report('a', progress(50))
    registry.clear('a')
    expect(heard).toBe(2)
    expect(registry.get('a')).toBeUndefined()
  })

  it('says a query is watched while any component listens, and stops telling one that left', () => {
    const registry = new ProgressRegistry()
    let heard = 0
    expect(registry.watched('a')).toBe(false)
    const first = registry.subscribe('a', () => heard++)
    const second = registry.subscribe('a', () => undefined)
    first()
    expect(registry.watched('a')).toBe(true)
    registry.report('a', progress(1))
    expect(heard).toBe(0)
    second()
    expect(registry.watched('a')).toBe(false)
    // A listener after the last left starts a new set.
    registry.subscribe('a', () => heard++)
    registry.report('a', progress(2))
    expect(heard).toBe(1)
  })
})
