import type { ImageFormat } from '../core/index.js'

/**
 * The worker's options that are plain data: an app's own worker passes them in code, and the
 * standalone `pixstore-sw.js` reads them from its URL's query, where the page writes them.
 */
export interface WorkerScriptOptions {
  /** Path prefix of image URLs. @default '/_img' */
  prefix?: string
  /** BroadcastChannel name shared with the page bridges. @default 'pixstore' */
  channel?: string
  /** Milliseconds to wait for a page (its answer, or the record it hands over) before answering 504. @default 5000 */
  timeout?: number
  /** Most entries in the worker's Cache Storage. @default 500 */
  maxEntries?: number
  /** Bytes of recently served images kept decrypted in the worker's memory (never on disk),
   * so repeat views skip the Cache read and the decryption; as much again may be held by
   * images answered whose Cache Storage write waits for the answers still being found.
   * 0 turns both off. @default 33554432 (32 MiB) */
  memoryBytes?: number
  /** Must match the backend and the page. @default ['png','webp','jpg','jpeg'] */
  imageFormats?: readonly ImageFormat[]
}

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
