// The floors of the kit's two layers, written as plainly as their work allows, so a target
// the kit misses can be compared with what any code doing the same work reaches here.
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query'
import { useEffect, useState, type ReactNode } from 'react'
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
} from '../../src/core/internal'

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

// Decrypted images are shown a few per task, as the kit hands them out (TaskPacer's default):
// shown all in the tasks their decryptions come in, none loads before the last is made.
const pacer = new TaskPacer()

/**
 * The object URL floor: the kit's storage model without the kit. One read-only transaction
 * asks for every record's ciphertext; a hit is decrypted, a miss fetched from the same
 * endpoint and stored (without waiting for the write), and each image is shown as soon as
 * its own bytes are ready, a few per task. No locks, queue, batching, metrics, eviction or
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

/** What a floor component gets: its record, the shared core, and who to tell of its `load`. */
interface FloorImageProps {
  record: ImageRecord
  service: ImageService
  onLoad: (img: HTMLImageElement) => void
}

/** The `<img>` a floor component shows once it has a URL; nothing before. */
const shown = (src: string | undefined, onLoad: FloorImageProps['onLoad']) =>
  src ? <img src={src} alt="" onLoad={(event) => onLoad(event.currentTarget)} /> : null

/** Mounts one `Image` per record over a core of its own, inside `wrap`. */
function mountFloor(
  dbName: string,
  Image: (props: FloorImageProps) => ReactNode,
  wrap: (children: ReactNode) => ReactNode,
  records: ImageRecord[],
  root: HTMLElement,
  track: Track,
) {
  const service = createImageService({ cache: { dbName, maxEntries: 100_000 } })
  createRoot(root).render(
    wrap(
      records.map((record, i) => (
        <Image key={i} record={record} service={service} onLoad={(img) => void track(i, img)} />
      )),
    ),
  )
}

/** The least a React binding does: state set from `getImage` in an effect, an `<img>` once it has a URL. */
function FloorImage({ record, service, onLoad }: FloorImageProps) {
  const [src, setSrc] = useState<string>()
  useEffect(() => {
    let live = true
    void service.getImage(record).then((blob) => live && setSrc(URL.createObjectURL(blob)))
    return () => void (live = false)
  }, [record, service])
  return shown(src, onLoad)
}

/** The React floor: the kit's core under the plainest React component per image. */
export const reactFloor = (records: ImageRecord[], root: HTMLElement, track: Track) =>
  mountFloor('react-floor-bench', FloorImage, (children) => <>{children}</>, records, root, track)

/** The least a React Query binding does: `useQuery` over `getImage`, an `<img>` once it has a URL. */
function QueryFloorImage({ record, service, onLoad }: FloorImageProps) {
  const { data: src } = useQuery({
    queryKey: ['floor', record.id, record.token],
    queryFn: async () => URL.createObjectURL(await service.getImage(record)),
    staleTime: Infinity,
  })
  return shown(src, onLoad)
}

/** The React Query floor: the kit's core under the plainest `useQuery` component per image. */
export const reactQueryFloor = (records: ImageRecord[], root: HTMLElement, track: Track) =>
  mountFloor(
    'react-query-floor-bench',
    QueryFloorImage,
    (children) => <QueryClientProvider client={new QueryClient()}>{children}</QueryClientProvider>,
    records,
    root,
    track,
  )
