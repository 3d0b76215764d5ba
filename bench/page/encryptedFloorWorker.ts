/// <reference lib="webworker" />
// The floor of the worker path doing the kit's work with none of the kit: the page posts the
// records before its <img>s ask; a miss in Cache Storage reads IndexedDB, then fetches from the
// same pixstore endpoint; the image is decrypted and answered as a Blob, the ciphertext written
// to IndexedDB at once and to Cache Storage once no answer is being found (as the kit's worker
// does), neither waited for. No locks, queue, versions, eviction, pacing, metrics or pages
// asked. Built into the bench page as `ENCRYPTED_FLOOR_SCRIPT` (benchServer.ts).
import {
  createEndpointFetcher,
  decodeWirePayload,
  decryptImage,
  DEFAULT_IMAGE_FORMATS,
  importDecryptionKey,
  WireState,
  type ImageRecord,
} from '../../src/core/internal'
import { ENCRYPTED_FLOOR_PATH as PATH } from './encryptedFloorPath'

declare const self: ServiceWorkerGlobalScope

const fetcher = createEndpointFetcher()
const records = new Map<string, ImageRecord>()
const waiting = new Map<string, Array<(record: ImageRecord) => void>>()

const database = new Promise<IDBDatabase>((resolve, reject) => {
  const open = indexedDB.open('encrypted-floor', 1)
  open.onupgradeneeded = () => open.result.createObjectStore('images')
  open.onsuccess = () => resolve(open.result)
  open.onerror = () => reject(open.error)
})

const request = <T>(run: (store: IDBObjectStore) => IDBRequest<T>, mode: IDBTransactionMode) =>
  database.then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const made = run(db.transaction('images', mode).objectStore('images'))
        made.onsuccess = () => resolve(made.result)
        made.onerror = () => reject(made.error)
      }),
  )

// Cache Storage writes wait until no answer is being found, then run one at a time.
let finding = 0
const deferred: Array<() => void> = []
let writing = false
async function drainWrites() {
  if (writing) return
  writing = true
  while (finding === 0 && deferred.length > 0) await deferred.shift()!()
  writing = false
}
const afterAnswers = (write: () => Promise<unknown>) =>
  new Promise<void>((resolve) => {
    deferred.push(() =>
      write()
        .catch(() => undefined)
        .then(() => resolve()),
    )
    void drainWrites()
  })

/** The record of `id`, once the page has posted it. */
const recordOf = (id: string) =>
  records.get(id) ??
  new Promise<ImageRecord>((resolve) => waiting.set(id, [...(waiting.get(id) ?? []), resolve]))

async function answer(event: FetchEvent, url: string): Promise<Response> {
  finding++
  try {
    return await find(event, url)
  } finally {
    finding--
    void drainWrites()
  }
}

async function find(event: FetchEvent, url: string): Promise<Response> {
  const record = await recordOf(decodeURIComponent(url.slice(PATH.length)))
  const cache = await caches.open('encrypted-floor')
  const hit = await cache.match(url)
  let encrypted = hit
    ? new Uint8Array(await hit.arrayBuffer())
    : await request<Uint8Array | undefined>((store) => store.get(record.id), 'readonly')
  if (!encrypted) {
    const payload = decodeWirePayload(
      new Uint8Array(await fetcher(record, undefined, new AbortController().signal)),
    )
    if (payload.state !== WireState.Success) return new Response(null, { status: 502 })
    encrypted = payload.encrypted
    event.waitUntil(
      Promise.all([
        request((store) => store.put(payload.encrypted, record.id), 'readwrite'),
        afterAnswers(() => cache.put(url, new Response(payload.encrypted))),
      ]),
    )
  }
  const image = await decryptImage(encrypted, await importDecryptionKey(record.meta), DEFAULT_IMAGE_FORMATS)
  return new Response(new Blob([image.bytes], { type: image.mimeType }))
}

self.addEventListener('install', () => void self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))
self.addEventListener('message', (event: ExtendableMessageEvent) => {
  for (const record of event.data as ImageRecord[]) {
    records.set(record.id, record)
    for (const resolve of waiting.get(record.id) ?? []) resolve(record)
    waiting.delete(record.id)
  }
})
self.addEventListener('fetch', (event) => {
  const { pathname } = new URL(event.request.url)
  if (pathname.startsWith(PATH)) event.respondWith(answer(event, pathname))
})
