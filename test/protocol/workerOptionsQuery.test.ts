import { describe, expect, it } from 'vitest'
import { readWorkerOptions, writeWorkerOptions, type WorkerScriptOptions } from '../../src/protocol'
import { workerScriptUrl } from '../../src/window'

describe('writeWorkerOptions and readWorkerOptions', () => {
  it('give the worker back every option the page set, and nothing it did not', () => {
    const options: WorkerScriptOptions = {
      prefix: '/media',
      channel: 'photos',
      timeout: 2500,
      maxEntries: 80,
      memoryBytes: 0,
      imageFormats: ['png', 'jpeg'],
    }
    expect(readWorkerOptions(writeWorkerOptions(options))).toEqual(options)
    expect(readWorkerOptions(writeWorkerOptions({}))).toEqual({
      prefix: undefined,
      channel: undefined,
      imageFormats: undefined,
    })
    expect(readWorkerOptions(writeWorkerOptions({ timeout: 1.5 })).timeout).toBe(1.5)
  })

  it('travel in the script URL the page registers', () => {
    const url = new URL(workerScriptUrl({ url: '/sw.js', maxEntries: 5, imageFormats: ['webp'] }), 'http://x')
    expect(url.pathname).toBe('/sw.js')
    expect(readWorkerOptions(url.searchParams)).toMatchObject({ maxEntries: 5, imageFormats: ['webp'] })
  })
})
