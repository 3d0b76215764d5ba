// The floors of the kit's two layers, written as plainly as their work allows, so a target
// the kit misses can be compared with what any code doing the same work reaches here.
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import {
  createEndpointFetcher,
  createImageService,
  decodeWirePayload,
  decryptImage,
  DEFAULT_IMAGE_FORMATS,
  importDecryptionKey,
  WireState,
  TaskPacer,
  type ImageRecord,
  type ImageService,
} from '../../src/core'

/** Called with each shown `<img>` by its position; resolves once it is decoded. */
export type Track = (position: number, img: HTMLImageElement) => Promise<void>

function openFloorDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('object-url-floor', 1)
    open.onupgradeneeded = () => open.result.createObjectStore('images')
    open.onsuccess = () => resolve(open.result)
    open.onerror = () => reject(open.error)
  })
}

// Decrypted images are shown four per task, as the kit hands them out: shown all in the
// tasks their decryptions come in, none loads before the last is made.
const pacer = new TaskPacer()

/**
 * The object URL floor: the kit's storage model without the kit. One read-only transaction
 * asks for every record's ciphertext; a hit is decrypted, a miss fetched from the same
 * endpoint and stored (without waiting for the write), and each image is shown as soon as
 * its own bytes are ready, four per task. No locks, queue, batching, metrics, eviction or
 * React.
 */
export async function objectUrlFloor(records: ImageRecord[], root: HTMLElement, track: Track) {
  const db = await openFloorDb()
  const fetcher = createEndpointFetcher()
  const signal = new AbortController().signal
  const store = db.transaction('images', 'readonly').objectStore('images')
  const show = async (record: ImageRecord, position: number, cached: Uint8Array | undefined) => {
    let encrypted = cached
    if (!encrypted) {
      const payload = decodeWirePayload(new Uint8Array(await fetcher(record, undefined, signal)))
      if (payload.state !== WireState.Success) throw new Error(`Wire state ${payload.state}`)
      encrypted = payload.encrypted
      const write = db.transaction('images', 'readwrite')
      write.objectStore('images').put(encrypted, record.id)
      writes.push(new Promise((resolve) => (write.oncomplete = resolve)))
    }
    const key = await importDecryptionKey(record.meta)
    const image = await decryptImage(encrypted, key, DEFAULT_IMAGE_FORMATS)
    await pacer.turn()
    const img = new Image()
    img.alt = ''
    img.src = URL.createObjectURL(new Blob([image.bytes], { type: image.mimeType }))
    root.append(img)
    await track(position, img)
  }
  // The writes land before the page reports, so the next visit finds them; the times do not wait.
  const writes: Array<Promise<unknown>> = []
  const shown = records.map(
    (record, position) =>
      new Promise<void>((resolve) => {
        const request = store.get(record.id)
        request.onsuccess = () =>
          void show(record, position, request.result as Uint8Array | undefined).then(resolve)
      }),
  )
  window.__settled = Promise.all(shown).then(() => Promise.all(writes))
}

/** The least a React binding does: state set from `getImage` in an effect, an `<img>` once it has a URL. */
function FloorImage(props: {
  record: ImageRecord
  service: ImageService
  onLoad: (img: HTMLImageElement) => void
}) {
  const { record, service, onLoad } = props
  const [src, setSrc] = useState<string>()
  useEffect(() => {
    let live = true
    void service.getImage(record).then((blob) => live && setSrc(URL.createObjectURL(blob)))
    return () => void (live = false)
  }, [record, service])
  return src ? <img src={src} alt="" onLoad={(event) => onLoad(event.currentTarget)} /> : null
}

/** The React floor: the kit's core under the plainest React component per image. */
export function reactFloor(records: ImageRecord[], root: HTMLElement, track: Track) {
  const service = createImageService({ cache: { dbName: 'react-floor-bench', maxEntries: 100_000 } })
  createRoot(root).render(
    <>
      {records.map((record, i) => (
        <FloorImage key={i} record={record} service={service} onLoad={(img) => void track(i, img)} />
      ))}
    </>,
  )
}

/** The least a React Query binding does: `useQuery` over `getImage`, an `<img>` once it has a URL. */
function QueryFloorImage(props: {
  record: ImageRecord
  service: ImageService
  onLoad: (img: HTMLImageElement) => void
}) {
  const { record, service, onLoad } = props
  const { data: src } = useQuery({
    queryKey: ['floor', record.id, record.token],
    queryFn: async () => URL.createObjectURL(await service.getImage(record)),
    staleTime: Infinity,
  })
  return src ? <img src={src} alt="" onLoad={(event) => onLoad(event.currentTarget)} /> : null
}

/** The React Query floor: the kit's core under the plainest `useQuery` component per image. */
export function reactQueryFloor(records: ImageRecord[], root: HTMLElement, track: Track) {
  const service = createImageService({ cache: { dbName: 'react-query-floor-bench', maxEntries: 100_000 } })
  createRoot(root).render(
    <QueryClientProvider client={new QueryClient()}>
      {records.map((record, i) => (
        <QueryFloorImage key={i} record={record} service={service} onLoad={(img) => void track(i, img)} />
      ))}
    </QueryClientProvider>,
  )
}
