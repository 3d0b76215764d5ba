import { describe, expect, it } from 'vitest'
import { ImageSwap } from '../../src/client'

/** A decoder whose answers the test gives, one per src asked. */
function decoder() {
  const asked = new Map<string, { resolve: () => void; reject: (error: Error) => void }>()
  const decode = (src: string) => new Promise<void>((resolve, reject) => asked.set(src, { resolve, reject }))
  return { decode, asked }
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('ImageSwap', () => {
  it('loads the first image in the <img> itself when direct, without decoding it off-screen', async () => {
    const { decode, asked } = decoder()
    const swap = new ImageSwap(decode)
    expect(swap.preview('a', true)).toEqual({ src: 'a', loaded: false, failed: undefined })
    const heard: unknown[] = []
    swap.subscribe(() => heard.push(swap.getSnapshot()))
    swap.show('a', true, swap.preview('a', true))
    // What the render showed is committed without telling anyone: no second render.
    expect(heard).toEqual([])
    expect(asked.size).toBe(0)
    swap.loaded('a', () => Promise.resolve())
    await settled()
    expect(swap.getSnapshot()).toEqual({ src: 'a', loaded: true, failed: undefined })
    expect(heard).toHaveLength(1)
  })

  it('decodes the next image off-screen and swaps it in only once decoded', async () => {
    const { decode, asked } = decoder()
    const swap = new ImageSwap(decode)
    swap.show('a', true)
    swap.loaded('a', () => Promise.resolve())
    await settled()
    swap.show('b', true)
    // The shown image stays while the next decodes.
    expect(swap.preview('b', true)).toEqual({ src: 'a', loaded: true, failed: undefined })
    expect([...asked.keys()]).toEqual(['b'])
    asked.get('b')!.resolve()
    await settled()
    expect(swap.getSnapshot()).toEqual({ src: 'b', loaded: true, failed: undefined })
  })

  it('with something else on screen decodes even the first image off-screen', async () => {
    const { decode, asked } = decoder()
    const swap = new ImageSwap(decode)
    swap.show('a', false)
    expect(swap.getSnapshot().src).toBeUndefined()
    asked.get('a')!.resolve()
    await settled()
    expect(swap.getSnapshot()).toEqual({ src: 'a', loaded: true, failed: undefined })
  })

  it('drops a decode the candidate moved away from, and keeps the newest failure', async () => {
    const { decode, asked } = decoder()
    const swap = new ImageSwap(decode)
    swap.show('a', false)
    swap.show('b', false)
    asked.get('a')!.resolve()
    await settled()
    expect(swap.getSnapshot().src).toBeUndefined()
    asked.get('b')!.reject(new Error('not an image'))
    await settled()
    expect(swap.getSnapshot()).toEqual({ src: undefined, loaded: false, failed: 'b' })
    // A failed candidate is not tried again until something else came.
    swap.show('b', false)
    expect(asked.size).toBe(2)
  })

  it('clears the <img> when the candidate goes, remembering what failed', async () => {
    const { decode } = decoder()
    const swap = new ImageSwap(decode)
    swap.show('a', true)
    swap.failed('a')
    expect(swap.getSnapshot()).toEqual({ src: undefined, loaded: false, failed: 'a' })
    swap.show('b', true)
    swap.loaded('b', () => Promise.reject(new Error('cannot decode')))
    await settled()
    expect(swap.getSnapshot()).toEqual({ src: undefined, loaded: false, failed: 'b' })
    swap.show('c', true)
    swap.loaded('c', () => Promise.resolve())
    await settled()
    swap.show(undefined, true)
    expect(swap.getSnapshot()).toEqual({ src: undefined, loaded: false, failed: 'b' })
    // An answer for a src no longer shown changes nothing.
    swap.failed('c')
    swap.loaded('c', () => Promise.resolve())
    await settled()
    expect(swap.getSnapshot().src).toBeUndefined()
  })

  it('stops listening to its decode once disposed', async () => {
    const { decode, asked } = decoder()
    const swap = new ImageSwap(decode)
    swap.show('a', false)
    swap.dispose()
    asked.get('a')!.resolve()
    await settled()
    expect(swap.getSnapshot().src).toBeUndefined()
  })
})
