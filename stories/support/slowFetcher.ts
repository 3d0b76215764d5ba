import { createEndpointFetcher, type ImageFetcher } from '../../src/core'
import type { StoryBackend } from './storyBackend'

export interface SlowOptions {
  /** Only these ids are slowed. @default every id */
  ids?: readonly string[]
  /** How long the body takes to arrive, in ms. @default 1500 */
  duration?: number
  /** Progress reports along the way. @default 12 */
  steps?: number
}

/**
 * The story backend's fetcher on a slow link: the body arrives over `duration`, reporting
 * progress as a streaming fetcher does.
 */
export function slowFetcher(backend: StoryBackend, options: SlowOptions = {}): ImageFetcher {
  const { ids, duration = 1500, steps = 12 } = options
  const inner = backend.fetcher ?? createEndpointFetcher()
  return async (record, context, signal, onProgress) => {
    const body = new Uint8Array(await inner(record, context, signal))
    if (ids && !ids.includes(record.id)) return body
    for (let step = 0; step <= steps; step++) {
      onProgress?.({ received: Math.round((body.length * step) / steps), total: body.length })
      if (step < steps) await new Promise((resolve) => setTimeout(resolve, duration / steps))
      signal.throwIfAborted()
    }
    return body
  }
}
