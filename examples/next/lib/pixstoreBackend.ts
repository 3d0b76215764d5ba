// The app's backend: pixstore 3 stores the images encrypted on disk and in SQLite, inside
// this Next.js server. Its own HTTP endpoint stays off; the route handler in
// app/pixstore-image/[id] answers the kit's requests on the app's origin instead.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { getImageRecord, initPixstoreBackend, saveImage } from 'pixstore/backend/index.js'
import type { ImageRecord } from 'pixstore-react'
import { samplePng } from './samplePng'

const GALLERY_SIZE = 12
const dataDir = process.env.PIXSTORE_DATA_DIR ?? join(process.cwd(), '.pixstore-data')
const galleryFile = join(dataDir, 'gallery.json')

async function start(): Promise<string[]> {
  mkdirSync(dataDir, { recursive: true })
  initPixstoreBackend({
    defaultEndpointEnabled: false,
    // A record's proof is accepted for two windows. Set it: pixstore 3.2.1 as published
    // defaults to 200 ms. Pages open longer than that pass `refreshRecord` to the provider.
    statelessKeyWindowLength: 60_000,
    imageRootDir: join(dataDir, 'images'),
    databasePath: join(dataDir, 'pixstore.sqlite'),
  })
  if (existsSync(galleryFile)) return JSON.parse(readFileSync(galleryFile, 'utf8')) as string[]
  const ids: string[] = []
  for (let i = 0; i < GALLERY_SIZE; i++) {
    const record = await saveImage(samplePng((i * 360) / GALLERY_SIZE))
    if (record) ids.push(record.id)
  }
  writeFileSync(galleryFile, JSON.stringify(ids))
  return ids
}

// Next.js may load this module more than once per process; pixstore's backend is one per process.
const holder = globalThis as { __gallery?: Promise<string[]> }

/** Starts the backend once (seeding a demo gallery on first run) and resolves when it is ready. */
export function pixstoreReady(): Promise<string[]> {
  holder.__gallery ??= start()
  return holder.__gallery
}

/** The records of the gallery, each with a fresh proof of access. A real app checks its session first. */
export async function galleryRecords(): Promise<ImageRecord[]> {
  const ids = await pixstoreReady()
  return ids.map((id) => getImageRecord(id)).filter((record): record is ImageRecord => record !== null)
}
