import { existsSync } from 'node:fs'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build, createServer, type Plugin } from 'vite'
import { describe, expect, it } from 'vitest'
import { pixstoreWorker } from '../../src/vite'

async function fixture() {
  const root = await mkdtemp(join(tmpdir(), 'pixstore-vite-'))
  const workerFile = join(root, 'worker-build.js')
  await writeFile(workerFile, 'self.addEventListener("fetch", () => {})')
  await writeFile(join(root, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>')
  await writeFile(join(root, 'main.js'), 'console.log(1)')
  return { root, workerFile }
}

async function serve(root: string, plugin: Plugin, path: string) {
  const server = await createServer({
    root,
    configFile: false,
    logLevel: 'silent',
    plugins: [plugin],
    server: { host: '127.0.0.1', port: 0 },
  })
  await server.listen()
  try {
    const address = server.httpServer!.address()
    const port = typeof address === 'object' && address ? address.port : 0
    const response = await fetch(`http://127.0.0.1:${port}${path}`)
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: await response.text(),
    }
  } finally {
    await server.close()
  }
}

describe('pixstoreWorker (Vite plugin)', () => {
  it('serves the worker in dev at /pixstore-sw.js, with or without a query', async () => {
    const { root, workerFile } = await fixture()
    const answer = await serve(root, pixstoreWorker({ workerFile }), '/pixstore-sw.js?timeout=900')
    expect(answer.status).toBe(200)
    expect(answer.type).toMatch(/javascript/)
    expect(answer.body).toBe(await readFile(workerFile, 'utf8'))
  })

  it('emits the worker at the site root in build, and at a custom path', async () => {
    const { root, workerFile } = await fixture()
    const outDir = join(root, 'dist')
    await build({
      root,
      configFile: false,
      logLevel: 'silent',
      plugins: [pixstoreWorker({ workerFile }), pixstoreWorker({ workerFile, path: '/sw/custom.js' })],
      build: { outDir },
    })
    expect(await readFile(join(outDir, 'pixstore-sw.js'), 'utf8')).toContain('addEventListener')
    expect(await readFile(join(outDir, 'sw/custom.js'), 'utf8')).toContain('addEventListener')
  })

  it('serves the worker shipped next to it in the built package by default', async () => {
    const dist = resolve(import.meta.dirname, '../../dist')
    expect(existsSync(join(dist, 'vite.js')), 'run npm run build first').toBe(true)
    const shipped = (await import(join(dist, 'vite.js'))) as { pixstoreWorker: typeof pixstoreWorker }
    const { root } = await fixture()
    const answer = await serve(root, shipped.pixstoreWorker(), '/pixstore-sw.js')
    expect(answer.body).toBe(await readFile(join(dist, 'pixstore-sw.js'), 'utf8'))
  })
})
