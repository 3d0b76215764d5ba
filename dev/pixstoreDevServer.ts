// Vite plugin for local development and end-to-end tests: starts the real pixstore 3 backend
// in the dev server's process, seeds it with sample images, serves their records as the
// app's API would, and proxies the image endpoint on the same origin, counting requests.
//   GET  /api/records              { backendUrl, records }
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
}

export interface PixstoreDevServer extends Plugin {
  /** Starts (once) the backend and seeds the samples; a dev server calls it on start. */
  seeded(): Promise<{
    backend: PixstoreBackend
    ids: string[]
    previewIds: string[]
    samples: SampleImage[]
    deleted: ImageRecord
  }>
  /** Requests the proxy received, per image id. */
  requests: Map<string, number>
  /** Slows the proxy down; change it at any time. @default { latency: 0 } */
  throttle: { latency: number }
}

export function pixstoreDevServer(options: PixstoreDevServerOptions = {}): PixstoreDevServer {
  const requests = new Map<string, number>()
  const throttle = { latency: 0 }
  let seeding: ReturnType<PixstoreDevServer['seeded']> | undefined
  // Lazy, so that a production build with this plugin starts no backend.
  const seeded = () =>
    (seeding ??= (async () => {
      const backend = await startPixstoreBackend()
      const samples = options.samples ?? sampleImages(options.count ?? 24)
      const ids: string[] = []
      for (const sample of samples) ids.push((await backend.save(sample.bytes)).id)
      const previewIds: string[] = []
      for (const [i, sample] of options.previews === false ? [] : samples.entries()) {
        const small = sampleImage(i + 1, Math.ceil(sample.width / 10), Math.ceil(sample.height / 10), 'jpg')
        previewIds.push((await backend.save(small.bytes)).id)
      }
      const deleted = await backend.save(samples[0]!.bytes)
      await backend.remove(deleted.id)
      return { backend, ids, previewIds, samples, deleted }
    })())
  // The same routes on a dev server and on a preview server (production-built pages).
  function install(middlewares: Connect.Server): void {
    void seeded()
    middlewares.use('/api/records', (req, res) => {
      void seeded().then(
        async ({ backend, ids, previewIds, samples, deleted }) => {
          const [, rawId = '', action] = (req.url ?? '/').split('?')[0]!.split('/')
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
                records: ids.map((i) => backend.record(i)!),
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
      const wait = new Promise((resolve) => setTimeout(resolve, throttle.latency))
      void Promise.all([seeded(), wait]).then(([{ backend }]) => {
        const upstream = httpRequest(
          `${backend.baseUrl}/pixstore-image${req.url}`,
          { method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers)
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
    throttle,
    configureServer: (server) => install(server.middlewares),
    configurePreviewServer: (server) => install(server.middlewares),
  }
}
