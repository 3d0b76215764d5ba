import { describe, expect, it } from 'vitest'
import { Subscribable } from '../../src/core/internal'

describe('Subscribable', () => {
  it('calls its listeners in order with each event, and no longer one that unsubscribed', () => {
    const events = new Subscribable<number>()
    const heard: string[] = []
    const stopA = events.subscribe((n) => heard.push(`a${n}`))
    events.subscribe((n) => heard.push(`b${n}`))
    events.emit(1)
    stopA()
    stopA()
    events.emit(2)
    expect(heard).toEqual(['a1', 'b1', 'b2'])
  })
})
