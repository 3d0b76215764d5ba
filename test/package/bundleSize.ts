import { gzipSync } from 'node:zlib'
import { build, type Rolldown } from 'vite'

// What an app already has: the peer dependencies. Everything else the kit brings (its own
// code, its chunks, dexie-react-hooks) is counted.
const PEERS = /^(react|react-dom|dexie|@tanstack\/react-query|@tanstack\/query-core)(\/|$)/

/** Bytes of code as served: as it is, and gzipped at level 9. */
export function servedSize(code: string): { minified: number; gzipped: number } {
  return { minified: Buffer.byteLength(code), gzipped: gzipSync(code, { level: 9 }).length }
}

/** Bytes of a built entry and all it imports, minified as an app's bundler would, then gzipped. */
export async function bundleSize(entry: string): Promise<{ minified: number; gzipped: number }> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: true,
      lib: { entry, formats: ['es'], fileName: 'entry' },
      rollupOptions: { external: (id) => PEERS.test(id) },
    },
  })
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[]
  const chunks = outputs.flatMap((output) => output.output).filter((file) => file.type === 'chunk')
  return servedSize(chunks.map((chunk) => chunk.code).join('\n'))
}
