// Vite plugin for local development and end-to-end tests: starts the real pixstore 3 backend
// in the dev server's process, seeds it with sample images, serves their records as the
// app's API would, and proxies the image endpoint on the same origin, counting requests.
import { request as httpRequest } from 'node:http'
import type { Plugin } from 'vite'
import type { ImageRecord } from '../src/core/index.ts'
import { startPixstoreBackend, type PixstoreBackend } from './pixstoreBackend.ts'
import { sampleImages, type SampleImage } from './sampleImages.ts'

/** What `GET /api/records` answers. */
export interface RecordsResponse {
  /** Base URL of the image endpoint for the page: '' when proxied on the same origin. */
  backendUrl: string
  records: ImageRecord[]
}

export interface PixstoreDevServerOptions {
  /** Sample images seeded at start. @default 24 */
  count?: number
  /** Serve `/pixstore-image/*` on the dev server's origin through a counting proxy. @default false */
  proxy?: boolean
}

export interface PixstoreDevServer extends Plugin {
  /** Resolves once the backend runs and holds the samples. */
  seeded: Promise<{ backend: PixstoreBackend; ids: string[]; samples: SampleImage[] }>
  /** Requests the proxy forwarded, per image id. */
  requests: Map<string, number>
}

export function pixstoreDevServer(options: PixstoreDevServerOptions = {}): PixstoreDevServer {
  const requests = new Map<string, number>()
  const seeded = (async () => {
    const backend = await startPixstoreBackend()
    const samples = sampleImages(options.count ?? 24)
    const ids: string[] = []
    for (const sample of samples) ids.push((await backend.save(sample.bytes)).id)
    return { backend, ids, samples }
  })()
  return {
    name: 'pixstore-react:dev-backend',
    seeded,
    requests,
    configureServer(server) {
      server.middlewares.use('/api/records', (req, res) => {
        void seeded.then(
          ({ backend, ids }) => {
            const id = decodeURIComponent((req.url ?? '/').slice(1))
            const body: RecordsResponse | ImageRecord | null = id
              ? backend.record(id)
              : {
                  backendUrl: options.proxy ? '' : backend.baseUrl,
                  records: ids.map((i) => backend.record(i)!),
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
      server.middlewares.use('/pixstore-image', (req, res) => {
        void seeded.then(({ backend }) => {
          const id = decodeURIComponent((req.url ?? '/').slice(1))
          requests.set(id, (requests.get(id) ?? 0) + 1)
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
    },
  }
}
