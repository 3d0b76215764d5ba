import type { ImageFormat } from '../core/index.js'
import type { PixstoreWorkerOptions } from './PixstoreWorkerOptions.js'

/** The worker's options a page chooses: they travel in the worker script's URL. */
export type WorkerScriptOptions = Pick<
  PixstoreWorkerOptions,
  'prefix' | 'channel' | 'timeout' | 'maxEntries' | 'memoryBytes' | 'imageFormats'
>

const NUMBERS = ['timeout', 'maxEntries', 'memoryBytes'] as const

/** Writes the options set into a query for the worker script's URL. */
export function writeWorkerOptions(options: WorkerScriptOptions): URLSearchParams {
  const query = new URLSearchParams()
  if (options.prefix) query.set('prefix', options.prefix)
  if (options.channel) query.set('channel', options.channel)
  for (const name of NUMBERS) if (options[name] !== undefined) query.set(name, String(options[name]))
  if (options.imageFormats) query.set('formats', options.imageFormats.join(','))
  return query
}

/** Reads back in the worker what `writeWorkerOptions` wrote; what is missing stays undefined. */
export function readWorkerOptions(query: URLSearchParams): WorkerScriptOptions {
  const options: WorkerScriptOptions = {
    prefix: query.get('prefix') ?? undefined,
    channel: query.get('channel') ?? undefined,
    imageFormats: query.get('formats')?.split(',') as ImageFormat[] | undefined,
  }
  for (const name of NUMBERS) if (query.has(name)) options[name] = Number(query.get(name))
  return options
}
