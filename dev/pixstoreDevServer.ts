// Vite plugin for local development: starts the real pixstore 3 backend in the dev server's
// process, seeds it with sample images, and serves their records as the app's API would.
import type { Plugin } from 'vite'
import type { ImageRecord } from '../src/core/index.ts'
import { startPixstoreBackend } from './pixstoreBackend.ts'
import { sampleImages } from './sampleImages.ts'

/** What `GET /api/records` answers. */
export interface RecordsResponse {
  backendUrl: string
  records: ImageRecord[]
}

export function pixstoreDevServer(options: { count?: number } = {}): Plugin {
  const seeded = (async () => {
    const backend = await startPixstoreBackend()
    const ids: string[] = []
    for (const sample of sampleImages(options.count ?? 24)) ids.push((await backend.save(sample.bytes)).id)
    return { backend, ids }
  })()
  return {
    name: 'pixstore-react:dev-backend',
    configureServer(server) {
      server.middlewares.use('/api/records', (req, res) => {
        void seeded.then(
          ({ backend, ids }) => {
            const id = decodeURIComponent((req.url ?? '/').slice(1))
            const body: RecordsResponse | ImageRecord | null = id
              ? backend.record(id)
              : { backendUrl: backend.baseUrl, records: ids.map((i) => backend.record(i)!) }
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
    },
  }
}
