// Vite plugin for local development and end-to-end tests: starts the real pixstore 3 backend
// in the dev server's process, seeds it with sample images, serves their records as the
// app's API would, and proxies the image endpoint on the same origin, counting requests.
//   GET  /api/records              { backendUrl, records }
//   GET  /api/records?initial      the same, each record as first saved (an old token after an update)
//   GET  /api/records/{id}         the current record (fresh proof)
//   POST /api/records/{id}/update  a new version of the image; answers its record
import { request as httpRequest } from 'node:http'
import type { Connect, Plugin } from 'vite'
import type { ImageRecord } from '../src/core/index.ts'
import { startPixstoreBackend, type PixstoreBackend } from './pixstoreBackend.ts'
import { sampleImage, sampleImages, type SampleImage } from './sampleImages.ts'

/** What `GET /api/records` answers. */
export interface RecordsResponse {
  /** Base URL of the image endpoint for the page: '' when proxied on the same origin. */
  backendUrl: string
  records: ImageRecord[]
  /** A tenth-size version of each image, in the same order: for thumbnail-first display. */
  previews: ImageRecord[]
  /** The record of an image deleted from the backend: its proof is valid, the image gone. */
  deleted: ImageRecord
}

export interface PixstoreDevServerOptions {
  /** Sample images seeded at start. @default 24 */
  count?: number
  /** Images to seed instead of `count` generated ones. */
  samples?: SampleImage[]
  /** Serve `/pixstore-image/*` on the dev server's origin through a counting proxy. @default false */
  proxy?: boolean
  /** Also seed a tenth-size preview of each image. @default true */
  previews?: boolean
  /**
   * Send `Cache-Control: no-store` and `Vary: x-pixstore-token` on proxied image answers, as
   * the README asks backend operators to. `false` passes pixstore 3's headers through as
   * they are (none of either), to prove the kit keeps answers out of the HTTP cache itself.
   * @default true
   */
  noStore?: boolean
}

export interface PixstoreDevServer extends Plugin {
  /** Starts (once) the backend and seeds the samples; a dev server calls it on start. */
  seeded(): Promise<{
    backend: PixstoreBackend
    ids: string[]
    previewIds: string[]
    samples: SampleImage[]
    previewSamples: SampleImage[]
    deleted: ImageRecord
    /** Each image's record as first saved, before any update. */
    initial: Map<string, ImageRecord>
  }>
  /** Requests the proxy received, per image id. */
  requests: Map<string, number>
  /** Requests the proxy has received and not yet answered in full. */
  pending(): number
  /** Holds every image answer from now until the returned function is called. */
  hold(): () => void
  /** Slows the proxy down; change it at any time. @default { latency: 0 } */
  throttle: { latency: number }
}

export function pixstoreDevServer(options: PixstoreDevServerOptions = {}): PixstoreDevServer {
  const requests = new Map<string, number>()
  const throttle = { latency: 0 }
  let pending = 0
  let held: Promise<void> = Promise.resolve()
  let seeding: ReturnType<PixstoreDevServer['seeded']> | undefined
  // Lazy, so that a production build with this plugin starts no backend.
  const seeded = () =>
    (seeding ??= (async () => {
      const backend = await startPixstoreBackend()
      const samples = options.samples ?? sampleImages(options.count ?? 24)
      const ids: string[] = []
      const initial = new Map<string, ImageRecord>()
      for (const sample of samples) {
        const record = await backend.save(sample.bytes)
        ids.push(record.id)
        initial.set(record.id, record)
      }
      const previewIds: string[] = []
      const previewSamples: SampleImage[] = []
      for (const [i, sample] of options.previews === false ? [] : samples.entries()) {
        const small = sampleImage(i + 1, Math.ceil(sample.width / 10), Math.ceil(sample.height / 10), 'jpg')
        previewSamples.push(small)
        previewIds.push((await backend.save(small.bytes)).id)
      }
      const deleted = await backend.save(samples[0]!.bytes)
      await backend.remove(deleted.id)
      return { backend, ids, previewIds, samples, previewSamples, deleted, initial }
    })())
  // The same routes on a dev server and on a preview server (production-built pages).
  function install(middlewares: Connect.Server): void {
    void seeded()
    middlewares.use('/api/records', (req, res) => {
      void seeded().then(
        async ({ backend, ids, previewIds, samples, deleted, initial }) => {
          const [path = '/', query = ''] = (req.url ?? '/').split('?')
          const [, rawId = '', action] = path.split('/')
          const recordOf = (i: string) => (query === 'initial' ? initial.get(i)! : backend.record(i)!)
          const id = decodeURIComponent(rawId)
          if (req.method === 'POST' && action === 'update') {
            // A new version of the image: the next sample's bytes under a new token.
            const index = ids.indexOf(id)
            const body =
              index < 0 ? null : await backend.update(id, samples[(index + 1) % samples.length]!.bytes)
            res.statusCode = body ? 200 : 404
            res.setHeader('Content-Type', 'application/json')
            res.end(JSON.stringify(body))
            return
          }
          const body: RecordsResponse | ImageRecord | null = id
            ? backend.record(id)
            : {
                backendUrl: options.proxy ? '' : backend.baseUrl,
                records: ids.map(recordOf),
                previews: previewIds.map((i) => backend.record(i)!),
                deleted,
              }
          res.statusCode = body ? 200 : 404
          res.setHeader('Content-Type', 'application/json')
          res.setHeader('Cache-Control', 'no-store')
          res.end(JSON.stringify(body))
        },
        (error: unknown) => {
          res.statusCode = 500
          res.end(String(error))
        },
      )
    })
    if (!options.proxy) return
    middlewares.use('/pixstore-image', (req, res) => {
      const id = decodeURIComponent((req.url ?? '/').slice(1))
      requests.set(id, (requests.get(id) ?? 0) + 1)
      pending++
      res.once('close', () => pending--)
      const latency = new Promise((resolve) => setTimeout(resolve, throttle.latency))
      const wait = Promise.all([latency, held])
      void Promise.all([seeded(), wait]).then(([{ backend }]) => {
        const upstream = httpRequest(
          `${backend.baseUrl}/pixstore-image${req.url}`,
          { method: req.method, headers: req.headers },
          (answer) => {
            // An answer may hold a key (Updated): no cache may keep it, nor serve one token's
            // answer for another's.
            const headers =
              options.noStore === false
                ? answer.headers
                : { ...answer.headers, 'cache-control': 'no-store', vary: 'x-pixstore-token' }
            res.writeHead(answer.statusCode ?? 502, headers)
            answer.pipe(res)
          },
        )
        upstream.on('error', () => {
          res.statusCode = 502
          res.end()
        })
        req.pipe(upstream)
      })
    })
  }

  return {
    name: 'pixstore-react:dev-backend',
    seeded,
    requests,
    pending: () => pending,
    hold() {
      let release = () => undefined as void
      held = new Promise((resolve) => (release = resolve))
      return release
    },
    throttle,
    configureServer: (server) => install(server.middlewares),
    configurePreviewServer: (server) => install(server.middlewares),
  }
}
