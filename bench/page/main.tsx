// One page, every contender. Query: ?contender=plain|sw-floor|sw-encrypted-floor|object-url-floor|react-floor|react-query-floor|pixstore3|kit-core|kit-object-url|kit-worker
// &scenario=cold|warm|returning|early|refill|grid|screen&n=N&gallery=G[&from=I: the N records from
// index I], or ?scale=kit|pixstore3&entries=N. Results land in window.__result.
import * as pixstore3 from 'pixstore/frontend/index.js'
import { cleanupImageCache } from 'pixstore/frontend/cleanup.js'
import { createRoot } from 'react-dom/client'
import {
  createImageService,
  ImageStore,
  PixstoreDatabase,
  type ImageRecord,
  type ImageService,
} from '../../src/core/internal'
import { PixstoreClient, PixstoreProvider, SecureImage } from '../../src'
import type { RecordsResponse } from '../../dev/pixstoreDevServer'
import { objectUrlFloor, reactFloor, reactQueryFloor } from './floors'
import { ENCRYPTED_FLOOR_PATH, ENCRYPTED_FLOOR_SCRIPT } from './encryptedFloorPath'

export interface PageResult {
  /** ms from the contender's start until every image is decoded. */
  allDecoded: number
  /** ms from the start until each image was decoded. */
  perImage: number[]
  /** request → response of each `/_img` request (worker path), from Resource Timing. */
  workerResponses: number[]
  idbTransactions: number
  /** How many shown images came through the worker. */
  viaWorker: number
  /** ms from the start until the kit was first asked for an image, and first answered (object URL paths). */
  phases: { firstAsked: number; firstAnswered: number }
}

export interface ScaleResult {
  entries: number
  evicted: number
  ms: number
  /** Peak JS heap growth during eviction, bytes. */
  peakHeap: number
}

declare global {
  interface Window {
    __result?: PageResult | ScaleResult | { error: string }
    __idbTransactions: number
    /** What must land before the result is published (and the page reloaded); times are taken before. */
    __settled?: Promise<unknown>
  }
}

const params = new URLSearchParams(location.search)
const root = document.querySelector<HTMLDivElement>('#root')!

const phases = { firstAsked: NaN, firstAnswered: NaN }

/** Marks when `service` is first asked for an image and first answers, from `started`. */
function timePhases(service: ImageService, started: number): ImageService {
  const getImage = service.getImage
  service.getImage = (...args) => {
    if (Number.isNaN(phases.firstAsked)) phases.firstAsked = performance.now() - started
    return getImage(...args).then((blob) => {
      if (Number.isNaN(phases.firstAnswered)) phases.firstAnswered = performance.now() - started
      return blob
    })
  }
  return service
}

function finish(times: number[]) {
  const workerResponses = performance
    .getEntriesByType('resource')
    .filter((e) => new URL(e.name).pathname.startsWith('/_img/'))
    .map((e) => (e as PerformanceResourceTiming).responseEnd - e.startTime)
  const result: PageResult = {
    allDecoded: Math.max(...times),
    perImage: times,
    workerResponses,
    idbTransactions: window.__idbTransactions,
    phases,
    viaWorker: [...root.querySelectorAll('img')].filter((img) =>
      img.getAttribute('src')?.startsWith('/_img/'),
    ).length,
  }
  void Promise.resolve(window.__settled).then(() => (window.__result = result))
}

/** Records when each image (by position) is first decoded; finishes when all are. */
function tracker(count: number, started: number) {
  const times = new Map<number, number>()
  return (index: number, img: HTMLImageElement) =>
    img.decode().then(() => {
      if (times.has(index)) return
      times.set(index, performance.now() - started)
      if (times.size === count) finish([...times.values()])
    })
}

/** Plain `<img>`s over the images under `path`, in order. */
function plainImages(path: string, indexes: number[], started: number) {
  const track = tracker(indexes.length, started)
  indexes.forEach((i, position) => {
    const img = new Image()
    img.alt = ''
    img.src = `${path}/${i}.jpg`
    root.append(img)
    void track(position, img)
  })
}

/** The minimal CacheFirst worker over the same images: registered and in control first. */
async function floor(indexes: number[], started: number) {
  await controlledBy('/floor-sw.js')
  plainImages('/floor', indexes, started)
}

/** Resolves once a worker controls the page, registering `script` if none does. */
async function controlledBy(script: string): Promise<ServiceWorker> {
  if (!navigator.serviceWorker.controller) {
    await navigator.serviceWorker.register(script)
    await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve))
  }
  return navigator.serviceWorker.controller!
}

/**
 * The worker floor with the kit's work (`encryptedFloorWorker.ts`): registered and in control
 * first; the records posted to it before the <img>s ask.
 */
async function encryptedFloor(records: ImageRecord[], started: number) {
  const worker = await controlledBy(ENCRYPTED_FLOOR_SCRIPT)
  worker.postMessage(records)
  const track = tracker(records.length, started)
  records.forEach((record, position) => {
    const img = new Image()
    img.alt = ''
    img.src = `${ENCRYPTED_FLOOR_PATH}${encodeURIComponent(record.id)}`
    root.append(img)
    void track(position, img)
  })
}

/** The kit's core without React: getImage for every record, each shown as it arrives. */
async function core(records: ImageRecord[], started: number) {
  const service = timePhases(
    createImageService({ cache: { dbName: 'kit-core-bench', maxEntries: 100_000 } }),
    started,
  )
  const track = tracker(records.length, started)
  await Promise.all(
    records.map(async (record, position) => {
      const img = new Image()
      img.alt = ''
      img.src = URL.createObjectURL(await service.getImage(record))
      root.append(img)
      await track(position, img)
    }),
  )
}

function initLegacy() {
  pixstore3.initPixstoreFrontend({
    defaultEndpointConnectHost: location.hostname,
    defaultEndpointConnectPort: Number(location.port),
    frontendDbName: 'pixstore3-bench',
    frontendImageCacheLimit: 100_000,
    frontendCleanupBatch: 10,
    errorHandlingMode: 'throw',
  })
}

async function legacy(records: ImageRecord[], started: number) {
  initLegacy()
  const track = tracker(records.length, started)
  await Promise.all(
    records.map(async (record, position) => {
      const blob = await pixstore3.getImage(record)
      const img = new Image()
      img.alt = ''
      img.src = URL.createObjectURL(blob!)
      root.append(img)
      await track(position, img)
    }),
  )
}

function kit(records: ImageRecord[], started: number, worker: boolean) {
  const track = tracker(records.length, started)
  const client = new PixstoreClient({
    config: { cache: { dbName: 'kit-bench', maxEntries: 100_000 } },
    serviceWorker: worker ? {} : false,
  })
  timePhases(client.service, started)
  createRoot(root).render(
    <PixstoreProvider client={client}>
      {records.map((record, i) => (
        <SecureImage
          key={i}
          record={record}
          alt=""
          onLoad={(e) => void track(i, e.currentTarget)}
          fallback={(error) => <i data-error={error.code} />}
        />
      ))}
    </PixstoreProvider>,
  )
}

// The first-screen gallery: 110 px tiles, ten to a row; what the viewport shows first is timed.
const TILE = 110
const COLUMNS = 10

function tileGrid(): HTMLDivElement {
  root.className = 'gallery'
  const grid = document.createElement('div')
  grid.style.cssText = `display:flex;flex-wrap:wrap;width:${TILE * COLUMNS}px`
  root.append(grid)
  return grid
}

/** Tiles the viewport shows before any scrolling. */
const firstScreen = (count: number) => Math.min(count, COLUMNS * Math.ceil(innerHeight / TILE))

function tileImage(): HTMLImageElement {
  const img = new Image(TILE, TILE)
  img.alt = ''
  img.style.display = 'block'
  return img
}

function screenPlain(indexes: number[], started: number) {
  const grid = tileGrid()
  const track = tracker(firstScreen(indexes.length), started)
  indexes.forEach((i, position) => {
    const img = tileImage()
    img.loading = 'lazy'
    img.src = `/plain/${i}.jpg`
    grid.append(img)
    if (position < firstScreen(indexes.length)) void track(position, img)
  })
}

/** pixstore 3's frontend as its API invites: getImage for every record, shown as each arrives. */
function screenLegacy(records: ImageRecord[], started: number) {
  initLegacy()
  const grid = tileGrid()
  const track = tracker(firstScreen(records.length), started)
  const images = records.map(() => grid.appendChild(tileImage()))
  records.forEach(async (record, position) => {
    const blob = await pixstore3.getImage(record)
    images[position]!.src = URL.createObjectURL(blob!)
    if (position < firstScreen(records.length)) await track(position, images[position]!)
  })
}

function screenKit(records: ImageRecord[], started: number, worker: boolean) {
  const track = tracker(firstScreen(records.length), started)
  root.className = 'gallery'
  createRoot(root).render(
    <PixstoreProvider
      config={{ cache: { dbName: 'kit-bench', maxEntries: 100_000 } }}
      serviceWorker={worker ? {} : false}
    >
      <div style={{ display: 'flex', flexWrap: 'wrap', width: TILE * COLUMNS }}>
        {records.map((record, i) => (
          <SecureImage
            key={i}
            record={record}
            alt=""
            width={TILE}
            height={TILE}
            style={{ display: 'block' }}
            loadFull="visible"
            onLoad={(e) => void (i < firstScreen(records.length) && track(i, e.currentTarget))}
            fallback={(error) => <i data-error={error.code} />}
          />
        ))}
      </div>
    </PixstoreProvider>,
  )
}

/** Fills a store with `entries` ciphertexts, then times evicting 100, sampling the heap. */
async function scale(kind: 'kit' | 'pixstore3', entries: number) {
  const cipher = crypto.getRandomValues(new Uint8Array(16 * 1024))
  const rows = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, k) => ({
      id: `e${from + k}`,
      token: 1,
      encrypted: cipher.slice(),
      bytes: cipher.length,
      lastUsed: from + k,
    }))
  const db = kind === 'kit' ? new PixstoreDatabase('kit-scale') : undefined
  if (!db) {
    // pixstore 3's own schema: one store keyed by id, no index, at IndexedDB version 1.
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open('pixstore3-scale', 1)
      open.onupgradeneeded = () => open.result.createObjectStore('images', { keyPath: 'id' })
      open.onsuccess = () => (open.result.close(), resolve())
      open.onerror = () => reject(open.error)
    })
    for (let from = 0; from < entries; from += 1000) {
      await new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('pixstore3-scale', 1)
        open.onsuccess = () => {
          const tx = open.result.transaction('images', 'readwrite')
          for (const row of rows(from, Math.min(entries, from + 1000))) tx.objectStore('images').put(row)
          tx.oncomplete = () => (open.result.close(), resolve())
          tx.onerror = () => reject(tx.error)
        }
      })
    }
    pixstore3.initPixstoreFrontend({
      frontendDbName: 'pixstore3-scale',
      frontendImageCacheLimit: entries - 100,
      frontendCleanupBatch: 0,
    })
  } else {
    // As the store writes them: the ciphertext, and its size and last use beside it.
    for (let from = 0; from < entries; from += 1000) {
      const batch = rows(from, Math.min(entries, from + 1000))
      await db.transaction('rw', [db.images, db.usage], () =>
        Promise.all([
          db.images.bulkPut(batch.map(({ id, token, encrypted }) => ({ id, token, encrypted }))),
          db.usage.bulkPut(batch.map(({ id, token, bytes, lastUsed }) => ({ id, token, bytes, lastUsed }))),
        ]),
      )
    }
  }
  const memory = () =>
    (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize
  await new Promise((resolve) => setTimeout(resolve, 100))
  const baseline = memory()
  let peak = baseline
  const sampler = setInterval(() => (peak = Math.max(peak, memory())), 1)
  const started = performance.now()
  let evicted: number
  if (db) {
    evicted = (await new ImageStore({ database: db, maxEntries: entries - 100 }).evict()).length
  } else {
    await cleanupImageCache()
    evicted = 100
  }
  const ms = performance.now() - started
  clearInterval(sampler)
  peak = Math.max(peak, memory())
  window.__result = { entries, evicted, ms, peakHeap: peak - baseline }
}

async function main() {
  const scaleKind = params.get('scale')
  if (scaleKind === 'kit' || scaleKind === 'pixstore3') return scale(scaleKind, Number(params.get('entries')))
  const { records: all } = (await (await fetch('/api/records')).json()) as RecordsResponse
  const n = Number(params.get('n') ?? all.length)
  if (params.get('scenario') === 'screen') {
    const count = Number(params.get('gallery'))
    const indexes = Array.from({ length: count }, (_, k) => n + k)
    const gallery = indexes.map((i) => all[i]!)
    const started = performance.now()
    switch (params.get('contender')) {
      case 'plain':
        return screenPlain(indexes, started)
      case 'pixstore3':
        return screenLegacy(gallery, started)
      case 'kit-object-url':
        return screenKit(gallery, started, false)
      case 'kit-worker':
        return screenKit(gallery, started, true)
    }
    return
  }
  const from = Number(params.get('from') ?? 0)
  const grid = params.get('scenario') === 'grid'
  // The grid: 100 components showing 10 distinct images (fewer if fewer exist).
  const distinct = Math.min(10, n)
  const indexes = Array.from({ length: grid ? 100 : n }, (_, i) => from + (grid ? i % distinct : i))
  const shown = indexes.map((i) => all[i]!)
  const started = performance.now()
  switch (params.get('contender')) {
    case 'plain':
      return plainImages('/plain', indexes, started)
    case 'sw-floor':
      return floor(indexes, started)
    case 'sw-encrypted-floor':
      return encryptedFloor(shown, started)
    case 'pixstore3':
      return legacy(shown, started)
    case 'kit-core':
      return core(shown, started)
    case 'object-url-floor':
      return objectUrlFloor(shown, root, tracker(shown.length, started))
    case 'react-floor':
      return reactFloor(shown, root, tracker(shown.length, started))
    case 'react-query-floor':
      return reactQueryFloor(shown, root, tracker(shown.length, started))
    case 'kit-object-url':
      return kit(shown, started, false)
    case 'kit-worker':
      return kit(shown, started, true)
  }
}

main().catch((error: unknown) => (window.__result = { error: String(error) }))
