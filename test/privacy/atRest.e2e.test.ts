// The at-rest promise, proven on disk in every engine: a real browser profile goes through
// every path that handles keys and plaintext (an Updated answer, the object URL path, the
// worker path and the worker's own loads, a prefetch, a logout), the browser closes, and every
// file of the profile is read, decompressed where the engine compressed it.
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { sampleImage } from '../../dev/sampleImages.ts'
import { base64ToBytes } from '../../src/core/internal'
import { scanDirectory } from '../support/diskScan.ts'
import { keyForms, plaintextRuns, type Secret } from '../support/secretForms.ts'
import { e2eSuite, galleryLoaded, workerCacheUrls } from '../support/e2e.ts'
import {
  ENGINE_NAMES,
  HTTP_CACHE_KEEPS_UNVALIDATED,
  launchProfile,
  PROFILE_STORES,
  type EngineContext,
} from '../support/engines.ts'
import { UNTIL } from '../support/hang'

const COUNT = 6
// pixstore 3's endpoint as published: no Cache-Control, no Vary. The kit alone must keep
// its answers off the disk.
const suite = e2eSuite('test/support/fixture', COUNT, { noStore: false })

type Fixture = Window & { pixstore: { logout(): Promise<void>; show(index: number): void } }

describe.each(ENGINE_NAMES)('nothing at rest, read from the files of a closed %s profile', (engine) => {
  let profile = ''
  let context: EngineContext | undefined
  afterAll(async () => {
    await context?.close().catch(() => {})
    if (profile) await rm(profile, { recursive: true, force: true })
  })

  it('finds no key in any form and no run of any plaintext after every path and a logout', async () => {
    const { backend, ids, samples, previewIds, previewSamples, initial } = await suite.e2e.backend.seeded()
    // Two images get a new version: a page showing their first records gets Updated answers,
    // whose bodies hold the new key.
    for (const index of [0, 1]) await backend.update(ids[index]!, samples[(index + 1) % COUNT]!.bytes)

    // Canaries: secrets written on purpose to each place a secret could land, to prove the
    // scan can see them there.
    const canary = {
      text: sampleImage(101, 48, 48, 'jpg').bytes,
      bytes: sampleImage(102, 48, 48, 'jpg').bytes,
      blob: sampleImage(103, 48, 48, 'jpg').bytes,
      cache: sampleImage(104, 48, 48, 'jpg').bytes,
      http: sampleImage(107, 48, 48, 'jpg').bytes,
    }
    const canaryImage = await backend.save(sampleImage(105, 48, 48, 'png').bytes)
    const canaryUpdate = await backend.update(canaryImage.id, sampleImage(106, 48, 48, 'png').bytes)

    profile = await mkdtemp(join(tmpdir(), 'pixstore-profile-'))
    context = await launchProfile(engine, profile)
    const url = suite.e2e.url

    // The worker path: a first visit through object URLs with two Updated answers, each
    // image then handed to the worker; a reload shows them through it.
    const workerPage = await context.newPage()
    await workerPage.goto(`${url}?initial`)
    await galleryLoaded(workerPage, COUNT)
    await expect.poll(() => workerCacheUrls(workerPage), UNTIL).toHaveLength(COUNT)
    await workerPage.reload()
    await galleryLoaded(workerPage, COUNT, '/_img/')
    // The object URL path, with the same two Updated answers fetched again.
    const objectUrlPage = await context.newPage()
    await objectUrlPage.goto(`${url}?initial&nosw`)
    await galleryLoaded(objectUrlPage, COUNT, 'blob:')
    // A prefetch into Dexie and the worker's Cache Storage.
    const prefetchPage = await context.newPage()
    await prefetchPage.goto(`${url}?prefetch`)
    await expect.poll(() => workerCacheUrls(prefetchPage), UNTIL).toHaveLength(COUNT)
    // The worker's own loads: images never shown before (the previews), their records handed
    // over as they mount; the worker fetches each itself and writes Dexie and Cache Storage.
    for (let index = 0; index < COUNT; index++)
      await workerPage.evaluate((i) => (window as unknown as Fixture).pixstore.show(i), index)
    await galleryLoaded(workerPage, 2 * COUNT, '/_img/')
    await expect.poll(() => workerCacheUrls(workerPage), UNTIL).toHaveLength(2 * COUNT)
    const asked = await workerPage.evaluate(() =>
      (window as unknown as { __swMessages: string[] }).__swMessages.filter((m) => m.includes('request')),
    )
    expect(asked, 'the worker asked the page nothing: it loaded them itself').toEqual([])
    // The README's logout, images still mounted.
    await workerPage.evaluate(() => (window as unknown as Fixture).pixstore.logout())

    await objectUrlPage.evaluate(
      async ({ text, bytes, blob, cache, record }) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open('canary')
          open.onupgradeneeded = () => open.result.createObjectStore('values')
          open.onsuccess = () => resolve(open.result)
          open.onerror = () => reject(open.error)
        })
        await new Promise((resolve, reject) => {
          const tx = db.transaction('values', 'readwrite')
          tx.objectStore('values').put(
            { text, bytes: new Uint8Array(bytes), blob: new Blob([new Uint8Array(blob)]) },
            'canary',
          )
          tx.oncomplete = resolve
          tx.onerror = () => reject(tx.error)
        })
        db.close()
        await (await caches.open('canary')).put('/canary', new Response(new Uint8Array(cache)))
        // pixstore 3's frontend request: no cache mode, an old token, so the answer is Updated.
        const response = await fetch(`/pixstore-image/${encodeURIComponent(record.id)}`, {
          headers: { 'x-pixstore-token': String(record.token), 'x-pixstore-proof': record.statelessProof },
        })
        await response.arrayBuffer()
      },
      {
        text: Buffer.from(canary.text).toString('base64'),
        bytes: [...canary.bytes],
        blob: [...canary.blob],
        cache: [...canary.cache],
        record: canaryImage,
      },
    )
    // And an image every engine's HTTP cache keeps: fresh for an hour, from an origin no worker
    // controls (WebKit keeps nothing a controlled page fetches, even what its worker leaves
    // to the network).
    const echo = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'image/jpeg', 'Cache-Control': 'max-age=3600' })
      response.end(canary.http)
    })
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
    await (
      await context.newPage()
    ).goto(`http://127.0.0.1:${(echo.address() as AddressInfo).port}/canary.jpg`)
    echo.close()
    // The HTTP cache writes its entries in the background and may drop one still being
    // written when the browser closes: wait until the canaries' are on disk.
    const answerCanary: Secret = { name: 'pixstore answer', bytes: base64ToBytes(canaryUpdate.meta.key) }
    const httpCanary: Secret = {
      name: 'http cache',
      bytes: plaintextRuns('', canary.http, Object.values(canary))[0]!.bytes,
    }
    const httpCanaries = HTTP_CACHE_KEEPS_UNVALIDATED[engine] ? [answerCanary, httpCanary] : [httpCanary]
    await expect
      .poll(
        async () => new Set((await scanDirectory(profile, httpCanaries)).map((f) => f.secret)).size,
        UNTIL,
      )
      .toBe(httpCanaries.length)
    await context.close()
    context = undefined

    const records = [
      ...initial.values(),
      ...ids.map((id) => backend.record(id)!),
      ...previewIds.map((id) => backend.record(id)!),
    ]
    const plaintexts = [...samples, ...previewSamples].map((sample) => sample.bytes)
    const everyImage = [...plaintexts, ...Object.values(canary)]
    const secrets: Secret[] = [
      ...records.flatMap((record) =>
        keyForms(`key of ${record.id}@${record.token}`, base64ToBytes(record.meta.key)),
      ),
      ...plaintexts.flatMap((bytes, i) => plaintextRuns(`image ${i}`, bytes, everyImage)),
    ]
    // The first run of each canary: as bytes, as base64 text, as base64 in UTF-16.
    const canaryRun = (bytes: Uint8Array, form: 0 | 1 | 2) =>
      plaintextRuns('', bytes, everyImage)[form]!.bytes
    const canaries: Secret[] = [
      // An engine keeps a string in one encoding or the other.
      { name: 'indexeddb text', bytes: canaryRun(canary.text, 1) },
      { name: 'indexeddb text', bytes: canaryRun(canary.text, 2) },
      { name: 'indexeddb bytes', bytes: canaryRun(canary.bytes, 0) },
      { name: 'indexeddb blob', bytes: canaryRun(canary.blob, 0) },
      { name: 'cache storage', bytes: canaryRun(canary.cache, 0) },
      httpCanary,
      answerCanary,
    ]
    const seen = await scanDirectory(profile, [...secrets, ...canaries])
    const where = (name: string) => seen.filter((f) => f.secret === name).map((f) => f.file)
    // The scan sees each place: every canary is found where this engine keeps it.
    const foundIn = (name: string, store: keyof typeof PROFILE_STORES) =>
      where(name).some((file) => PROFILE_STORES[store][engine].test(`/${file}`))
    expect(foundIn('indexeddb text', 'indexedDB')).toBe(true)
    expect(foundIn('indexeddb bytes', 'indexedDB')).toBe(true)
    expect(foundIn('indexeddb blob', 'indexedDB')).toBe(true)
    expect(foundIn('cache storage', 'cacheStorage')).toBe(true)
    expect(foundIn('http cache', 'httpCache')).toBe(true)
    // pixstore 3's answers, neither fresh nor validated, where this engine keeps them at all.
    expect(foundIn('pixstore answer', 'httpCache')).toBe(HTTP_CACHE_KEEPS_UNVALIDATED[engine])
    // And nothing of the kit's.
    const canaryNames = new Set(canaries.map((c) => c.name))
    expect(seen.filter((f) => !canaryNames.has(f.secret))).toEqual([])
  }, 180_000)
})
