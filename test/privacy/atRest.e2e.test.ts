// The at-rest promise, proven on disk: a real Chromium profile goes through every path that
// handles keys and plaintext (an Updated answer, the object URL path, the worker path and the
// worker's own loads, a prefetch, a logout), the browser closes, and every file of the
// profile is read.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../dev/chromium.ts'
import { sampleImage } from '../../dev/sampleImages.ts'
import { base64ToBytes } from '../../src/core/internal'
import { scanDirectory } from '../support/diskScan.ts'
import { keyForms, plaintextRuns, type Secret } from '../support/secretForms.ts'
import { e2eSuite, gallery, workerCacheUrls } from '../support/e2e.ts'
import { UNTIL } from '../support/hang'

const COUNT = 6
// pixstore 3's endpoint as published: no Cache-Control, no Vary. The kit alone must keep
// its answers off the disk.
const suite = e2eSuite('test/support/fixture', COUNT, { noStore: false })

let profile = ''
afterAll(async () => {
  if (profile) await rm(profile, { recursive: true, force: true })
})

type Fixture = Window & { pixstore: { logout(): Promise<void>; show(index: number): void } }

describe('nothing at rest, read from the files of a closed Chromium profile', () => {
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
    }
    const canaryImage = await backend.save(sampleImage(105, 48, 48, 'png').bytes)
    const canaryUpdate = await backend.update(canaryImage.id, sampleImage(106, 48, 48, 'png').bytes)

    profile = await mkdtemp(join(tmpdir(), 'pixstore-profile-'))
    const context: BrowserContext = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    })
    const url = suite.e2e.url

    // The worker path: a first visit through object URLs with two Updated answers, each
    // image then handed to the worker; a reload shows them through it.
    const workerPage = await context.newPage()
    await workerPage.goto(`${url}?initial`)
    expect(await gallery(workerPage, COUNT)).toHaveLength(COUNT)
    await expect.poll(() => workerCacheUrls(workerPage), UNTIL).toHaveLength(COUNT)
    await workerPage.reload()
    expect(await gallery(workerPage, COUNT, '/_img/')).toHaveLength(COUNT)
    // The object URL path, with the same two Updated answers fetched again.
    const objectUrlPage = await context.newPage()
    await objectUrlPage.goto(`${url}?initial&nosw`)
    expect(await gallery(objectUrlPage, COUNT, 'blob:')).toHaveLength(COUNT)
    // A prefetch into Dexie and the worker's Cache Storage.
    const prefetchPage = await context.newPage()
    await prefetchPage.goto(`${url}?prefetch`)
    await expect.poll(() => workerCacheUrls(prefetchPage), UNTIL).toHaveLength(COUNT)
    // The worker's own loads: images never shown before (the previews), their records handed
    // over as they mount; the worker fetches each itself and writes Dexie and Cache Storage.
    for (let index = 0; index < COUNT; index++)
      await workerPage.evaluate((i) => (window as unknown as Fixture).pixstore.show(i), index)
    expect(await gallery(workerPage, 2 * COUNT, '/_img/')).toHaveLength(2 * COUNT)
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
    // The HTTP cache writes its entries in the background and may drop one still being
    // written when the browser closes: wait until the last one, the canary's, is on disk.
    const httpCanary: Secret = { name: 'http cache', bytes: base64ToBytes(canaryUpdate.meta.key) }
    await expect
      .poll(async () => (await scanDirectory(profile, [httpCanary])).length, UNTIL)
      .toBeGreaterThan(0)
    await context.close()

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
    const canaryRun = (bytes: Uint8Array, form: 0 | 1) => plaintextRuns('', bytes, everyImage)[form]!.bytes
    const canaries: Secret[] = [
      { name: 'indexeddb text', bytes: canaryRun(canary.text, 1) },
      { name: 'indexeddb bytes', bytes: canaryRun(canary.bytes, 0) },
      { name: 'indexeddb blob', bytes: canaryRun(canary.blob, 0) },
      { name: 'cache storage', bytes: canaryRun(canary.cache, 0) },
      httpCanary,
    ]
    const seen = await scanDirectory(profile, [...secrets, ...canaries])
    const where = (name: string) => seen.filter((f) => f.secret === name).map((f) => f.file)
    // The scan sees each place: every canary is found where it was put.
    expect(where('indexeddb text').some((f) => f.includes('IndexedDB'))).toBe(true)
    expect(where('indexeddb bytes').some((f) => f.includes('IndexedDB'))).toBe(true)
    expect(where('indexeddb blob').some((f) => f.includes('IndexedDB'))).toBe(true)
    expect(where('cache storage').some((f) => f.includes('CacheStorage'))).toBe(true)
    expect(where('http cache').some((f) => f.includes('Cache_Data'))).toBe(true)
    // And nothing of the kit's.
    const canaryNames = new Set(canaries.map((c) => c.name))
    expect(seen.filter((f) => !canaryNames.has(f.secret))).toEqual([])
  }, 180_000)
})
