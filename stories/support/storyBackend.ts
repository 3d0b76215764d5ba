import { type ImageFetcher, type ImageFormat, type ImageRecord, type PixstoreConfig } from '../../src/core'
import { createMemoryBackend } from '../../src/testing'
import type { RecordsResponse } from '../../dev/pixstoreDevServer'
import { paintImage } from '../../dev/paintImage'

/** Where the stories' images come from. */
export interface StoryBackend {
  /** `live`: the real pixstore backend started with Storybook; `fixture`: in-browser. */
  kind: 'live' | 'fixture'
  records: ImageRecord[]
  /** A small version of each record's image, in the same order. */
  previews: ImageRecord[]
  /** The fetcher that reaches this backend (the default endpoint, or the fixture's). */
  fetcher: ImageFetcher | undefined
  /** Records a new version of an image, like the app's API after an upload. */
  update(id: string): Promise<ImageRecord>
  /** A JPEG record, for the unsupported-format state. */
  jpeg: ImageRecord
  /** The record of a deleted image, for the not-found state. */
  deleted: ImageRecord
}

const FIXTURE_COUNT = 120

async function live(body: RecordsResponse): Promise<StoryBackend> {
  const records = body.records
  const jpeg = records.find((_, i) => i % 3 !== 2) ?? records[0]!
  return {
    kind: 'live',
    records,
    previews: body.previews,
    fetcher: undefined,
    jpeg,
    deleted: body.deleted,
    async update(id) {
      const response = await fetch(`/api/records/${encodeURIComponent(id)}/update`, { method: 'POST' })
      return (await response.json()) as ImageRecord
    },
  }
}

/**
 * The static build has no server: the same code paths run against an in-browser backend
 * that encrypts and encodes exactly as pixstore 3 does.
 */
async function fixture(): Promise<StoryBackend> {
  const backend = createMemoryBackend({ latency: 40 })
  const kinds: Array<['image/jpeg' | 'image/png' | 'image/webp', ImageFormat]> = [
    ['image/jpeg', 'jpg'],
    ['image/webp', 'webp'],
    ['image/png', 'png'],
  ]
  const records = await Promise.all(
    Array.from({ length: FIXTURE_COUNT }, async (_, i) => {
      const [type, format] = kinds[i % kinds.length]!
      return backend.save(await paintImage(240, 180, type, i + 1), format, `sample-${i + 1}`)
    }),
  )
  const previews = await Promise.all(
    records.map(async (_, i) => {
      const [type, format] = kinds[i % kinds.length]!
      return backend.save(await paintImage(24, 18, type, i + 1), format, `preview-${i + 1}`)
    }),
  )
  const deleted = await backend.save(await paintImage(8, 8, 'image/png'), 'png')
  backend.remove(deleted.id)
  let version = 0
  return {
    kind: 'fixture',
    records,
    previews,
    fetcher: backend.fetcher,
    jpeg: records[0]!,
    deleted,
    async update(id) {
      const [type, format] = kinds[++version % kinds.length]!
      return backend.update(id, await paintImage(240, 180, type, 1000 + version), format)
    },
  }
}

let loading: Promise<StoryBackend> | undefined

/** The live backend when Storybook runs with it, else the in-browser fixture. */
export function loadStoryBackend(): Promise<StoryBackend> {
  loading ??= (async () => {
    try {
      const response = await fetch('/api/records', { signal: AbortSignal.timeout(5000) })
      if (response.ok && response.headers.get('content-type')?.includes('json')) {
        return await live((await response.json()) as RecordsResponse)
      }
    } catch {
      // No server behind the stories: a static build.
    }
    return fixture()
  })()
  return loading
}

/** What a story's loader hands its render and play functions. */
export type Loaded = { backend: StoryBackend }

/** The loader of every story: the backend that answers it. */
export const backendLoader = async (): Promise<Loaded> => ({ backend: await loadStoryBackend() })

/** The service config that reaches a story backend. */
export function backendConfig(backend: StoryBackend, extra: PixstoreConfig = {}): PixstoreConfig {
  return { ...(backend.fetcher ? { fetcher: backend.fetcher } : {}), ...extra }
}
