// The in-memory LRU behind the worker's keys, its decrypted images and its Cache Storage index.
import { describe, expect, it } from 'vitest'
import { LruMap } from '../../src/protocol'

const keysOf = <V>(map: LruMap<V>) => [...map].map(([key]) => key)

describe('LruMap', () => {
  it('counts entries by default and lets the least recently used go first, returning who left', () => {
    const map = new LruMap<number>(3)
    expect(map.set('a', 1)).toEqual([])
    map.set('b', 2)
    map.set('c', 3)
    expect(map.get('a')).toBe(1)
    expect(map.set('d', 4)).toEqual(['b'])
    expect(keysOf(map)).toEqual(['c', 'a', 'd'])
    expect(map.size).toBe(3)
    expect(map.get('b')).toBeUndefined()
    // Setting a key again replaces it and makes it the most recent, without evicting.
    expect(map.set('c', 30)).toEqual([])
    expect(keysOf(map)).toEqual(['a', 'd', 'c'])
    expect(map.get('c')).toBe(30)
  })

  it('keeps the total size within the budget, evicting as many as it takes', () => {
    const map = new LruMap<Uint8Array>(10, (bytes) => bytes.length)
    map.set('a', new Uint8Array(4))
    map.set('b', new Uint8Array(4))
    expect(map.totalSize).toBe(8)
    map.set('c', new Uint8Array(2))
    expect(map.totalSize).toBe(10)
    expect(keysOf(map)).toEqual(['a', 'b', 'c'])
    expect(map.set('d', new Uint8Array(9))).toEqual(['a', 'b', 'c'])
    expect(map.totalSize).toBe(9)
    // Larger than the whole budget: not kept, and nothing else is pushed out for it.
    expect(map.set('huge', new Uint8Array(11))).toEqual([])
    expect(keysOf(map)).toEqual(['d'])
    // Replacing an entry takes its old size off first.
    map.set('d', new Uint8Array(1))
    expect(map.totalSize).toBe(1)
  })

  it('deletes one key, the keys a test picks, or all, and keeps its total right', () => {
    const map = new LruMap<Uint8Array>(100, (bytes) => bytes.length)
    for (const key of ['x/1', 'x/2', 'y/1']) map.set(key, new Uint8Array(5))
    expect(map.delete('nope')).toBe(false)
    expect(map.delete('y/1')).toBe(true)
    expect(map.totalSize).toBe(10)
    map.set('y/2', new Uint8Array(3))
    map.deleteWhere((key) => key.startsWith('x/'))
    expect(keysOf(map)).toEqual(['y/2'])
    expect(map.totalSize).toBe(3)
    map.clear()
    expect(map.size).toBe(0)
    expect(map.totalSize).toBe(0)
    map.set('z', new Uint8Array(100))
    expect(map.totalSize).toBe(100)
  })
})
