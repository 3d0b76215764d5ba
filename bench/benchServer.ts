// The benchmark's server: the bench page built by Vite, a real pixstore 3 backend with the
// sample images, the same images unencrypted at /plain, and the kit's worker.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { chromium, type Browser } from 'playwright-core'
import { build, preview, type Plugin } from 'vite'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../dev/chromium.ts'
import { pixstoreDevServer } from '../dev/pixstoreDevServer.ts'
import { sampleImage, type SampleImage } from '../dev/sampleImages.ts'
import { pixstoreWorker } from '../src/vite/index.ts'
import { ENCRYPTED_FLOOR_SCRIPT } from './page/encryptedFloorPath.ts'

const ROOT = resolve(import.meta.dirname, '..')

export interface BenchServerOptions {
  /** Images. */
  n: number
  /** Images in the first-screen gallery. @default 1000 */
  gallery?: number
  /** Image sizes [width, height] cycled over the images. */
  sizes: Array<[number, number]>
  /** Build the page unminified with source maps, so a CPU profile names its modules. @default false */
  profiling?: boolean
}

/**
 * The unencrypted images at /plain/{i}.jpg, cached as immutable: the ceiling. With `?no-store`
 * (the SW floor's own fetches) nothing but the worker's Cache Storage may keep them.
 */
function plainImages(samples: SampleImage[]): Plugin & { requests: { count: number } } {
  const requests = { count: 0 }
  return {
    name: 'bench:plain-images',
    requests,
    configurePreviewServer(server) {
      server.middlewares.use('/plain', (req, res) => {
        requests.count++
        const sample = samples[Number((req.url ?? '').replace(/^\/(\d+)\.jpg.*$/, '$1'))]
        if (!sample) return void ((res.statusCode = 404), res.end())
        res.setHeader('Content-Type', 'image/jpeg')
        const noStore = (req.url ?? '').endsWith('?no-store')
        res.setHeader('Cache-Control', noStore ? 'no-store' : 'public, max-age=31536000, immutable')
        res.end(sample.bytes)
      })
    },
  }
}

/** Builds the page, seeds the backend and serves both; `requests()` counts image requests. */
export async function startBenchServer({ n, gallery = 1000, sizes, profiling = false }: BenchServerOptions) {
  const workerFile = join(ROOT, 'dist/pixstore-sw.js')
  const samples = Array.from({ length: n }, (_, i) => {
    const [width, height] = sizes[i % sizes.length]!
    return sampleImage(i + 1, width, height, 'jpg', 120)
  })
  // The gallery: small photo-like tiles, each saved as its own record (own key, own token).
  const pictures = Array.from({ length: Math.min(100, gallery) }, (_, i) =>
    sampleImage(1000 + i, 220, 165, 'jpg', 120),
  )
  const tiles = Array.from({ length: gallery }, (_, i) => pictures[i % pictures.length]!)
  // Images a returning visit shows for the first time: the same sizes, other pictures.
  const fresh = Array.from({ length: n }, (_, i) => {
    const [width, height] = sizes[i % sizes.length]!
    return sampleImage(5000 + i, width, height, 'jpg', 120)
  })
  const pageDir = await mkdtemp(join(tmpdir(), 'pixstore-bench-'))
  await build({
    configFile: false,
    root: join(ROOT, 'bench/page'),
    logLevel: 'warn',
    plugins: [react(), pixstoreWorker({ workerFile })],
    build: { outDir: pageDir, emptyOutDir: true, ...(profiling && { minify: false, sourcemap: true }) },
  })
  // The encrypted worker floor, bundled as an app bundles its worker.
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: pageDir,
      emptyOutDir: false,
      ...(profiling && { minify: false, sourcemap: true }),
      lib: {
        entry: join(ROOT, 'bench/page/encryptedFloorWorker.ts'),
        formats: ['iife'],
        name: 'encryptedFloor',
        fileName: () => ENCRYPTED_FLOOR_SCRIPT.slice(1),
      },
    },
  })
  // Records in this order: the images, the gallery's tiles, the images a returning visit shows first.
  const all = [...samples, ...tiles, ...fresh]
  const backend = pixstoreDevServer({ samples: all, proxy: true, previews: false })
  const plain = plainImages(all)
  const server = await preview({
    configFile: false,
    root: dirname(pageDir),
    logLevel: 'warn',
    build: { outDir: pageDir },
    plugins: [backend, plain, pixstoreWorker({ workerFile })],
    preview: { host: '127.0.0.1', port: 0 },
  })
  await backend.seeded()
  const address = server.httpServer.address()
  return {
    base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`,
    samples,
    tiles,
    /** The index of the first image a returning visit shows for the first time. */
    freshFrom: samples.length + tiles.length,
    /** Requests to the image server: the pixstore backend, or the static route for plain <img>. */
    requests: () => [...backend.requests.values()].reduce((a, b) => a + b, plain.requests.count),
    resetRequests: () => {
      backend.requests.clear()
      plain.requests.count = 0
    },
    pageDir,
    close: () => server.close(),
  }
}

/** The Chromium the benchmark runs in. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'],
  })
}
