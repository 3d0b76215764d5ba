// A real pixstore 3 backend (npm pixstore@3.2.1), started in this Node process on
// 127.0.0.1 with explicit config. Used by the interop tests, the demo and Storybook.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ImageRecord } from '../src/core/index.ts'
import { freePort } from './freePort.ts'

export interface PixstoreBackend {
  baseUrl: string
  save(bytes: Uint8Array): Promise<ImageRecord>
  update(id: string, bytes: Uint8Array): Promise<ImageRecord>
  record(id: string): ImageRecord | null
  remove(id: string): Promise<boolean>
}

// pixstore's backend is a process-wide singleton, and this module may be loaded more than
// once in a process (Storybook loads its config through its own loader): keep the handle
// on globalThis so a second load finds the backend already running.
const holder = globalThis as { __pixstoreBackend?: Promise<PixstoreBackend> }

/** Starts the real pixstore 3 backend once per process, on 127.0.0.1 with explicit config. */
export function startPixstoreBackend(): Promise<PixstoreBackend> {
  holder.__pixstoreBackend ??= (async () => {
    const api = await import('pixstore/backend/index.js')
    const dir = await mkdtemp(join(tmpdir(), 'pixstore-backend-'))
    const port = await freePort()
    api.initPixstoreBackend({
      defaultEndpointListenHost: '127.0.0.1',
      defaultEndpointListenPort: port,
      statelessKeyWindowLength: -1,
      imageRootDir: join(dir, 'images'),
      databasePath: join(dir, 'pixstore.sqlite'),
      errorHandlingMode: 'throw',
    })
    let lastWrite = 0
    // pixstore's token is Date.now() at write time: space writes so each version differs.
    const spaced = async <T>(write: () => Promise<T>): Promise<T> => {
      while (Date.now() <= lastWrite) await new Promise((r) => setTimeout(r, 1))
      try {
        return await write()
      } finally {
        lastWrite = Date.now()
      }
    }
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      save: (bytes) => spaced(async () => (await api.saveImage(Buffer.from(bytes)))!),
      update: (id, bytes) => spaced(async () => (await api.updateImage(id, Buffer.from(bytes)))!),
      record: (id) => api.getImageRecord(id),
      remove: async (id) => (await api.deleteImage(id)) ?? false,
    }
  })()
  return holder.__pixstoreBackend
}
