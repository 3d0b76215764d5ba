// The kit's promises in every engine of test/support/engines.ts, from one source: both display
// paths byte for byte, a reload answered by the worker alone, bad image URLs, a token change,
// one fetch per image across tabs, and a logout that leaves nothing in any tab.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { e2eSuite, expectNothingAtRest, galleryLoaded, storedIds, workerCacheUrls } from '../support/e2e.ts'
import { ENGINE_NAMES, engineSuite, type EnginePage } from '../support/engines.ts'
import { UNTIL } from '../support/hang'

const COUNT = 6
const suite = e2eSuite('test/support/fixture', COUNT)

type Fixture = Window & { pixstore: { logout(): Promise<void> }; __liveUrls: () => string[] }

/** Waits until the gallery's images are all decoded, each through a URL starting with `prefix`. */
const shown = (page: EnginePage, prefix: string) => galleryLoaded(page, COUNT, prefix)

/** The SHA-256 of the bytes behind every image shown, sorted. */
const shownDigests = (page: EnginePage) =>
  page.evaluate(async () => {
    const digests = await Promise.all(
      [...document.querySelectorAll('img')].map(async (img) => {
        const bytes = await (await fetch(img.src)).arrayBuffer()
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
        return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')
      }),
    )
    return digests.sort()
  })

/** The SHA-256 of every image the gallery shows, as the backend was given them, sorted. */
async function sampleDigests(): Promise<string[]> {
  const { samples } = await suite.e2e.backend.seeded()
  return digests(samples.slice(0, COUNT).map((sample) => sample.bytes))
}

const digests = (images: readonly Uint8Array[]) =>
  images.map((bytes) => createHash('sha256').update(bytes).digest('hex')).sort()

/** The token of each Dexie row, by id. */
const dexieTokens = (page: EnginePage) =>
  page.evaluate(
    () =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const open = indexedDB.open('pixstore')
        open.onsuccess = () => {
          const request = open.result.transaction('images').objectStore('images').getAll()
          request.onsuccess = () => {
            open.result.close()
            const rows = request.result as Array<{ id: string; token: number }>
            resolve(Object.fromEntries(rows.map((row) => [row.id, row.token])))
          }
          request.onerror = () => reject(request.error)
        }
        open.onerror = () => reject(open.error)
      }),
  )

describe.each(ENGINE_NAMES)('in %s, against the real pixstore backend', (name) => {
  const { open } = engineSuite(name)

  it.each([
    ['where no worker is asked for (reported unsupported)', '?nosw', 'unsupported'],
    ['when the worker cannot register (reported failed)', '?swUrl=/no-worker-here.js', 'failed'],
  ])('shows every image byte for byte through object URLs %s', async (_when, query, status) => {
    const page = await (await open()).newPage()
    await page.goto(`${suite.e2e.url}${query}`)
    await shown(page, 'blob:')
    await page.waitFor((status) => document.querySelector(`[data-status="${status}"]`) !== null, status)
    expect(await shownDigests(page)).toEqual(await sampleDigests())
    expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull()
  })

  it('answers a reload from the worker alone, byte for byte, and bad image URLs with 400', async () => {
    const context = await open()
    const page = await context.newPage()
    await page.goto(suite.e2e.url)
    await shown(page, 'blob:')
    await page.waitFor(() => navigator.serviceWorker.controller !== null)
    // The first visit's hand-over done: the worker holds every image.
    await expect.poll(async () => (await storedIds(page)).cached.length, UNTIL).toBe(COUNT)
    const before = suite.e2e.totalRequests()
    await page.reload()
    await shown(page, '/_img/')
    expect(suite.e2e.totalRequests()).toBe(before)
    expect(await shownDigests(page)).toEqual(await sampleDigests())
    const statuses = await page.evaluate(() =>
      Promise.all(
        ['/_img/..%2Fsecret?t=1', `/_img/${'a'.repeat(300)}?t=1`, '/_img/abc', '/_img/abc?t=-1'].map(
          async (path) => (await fetch(path)).status,
        ),
      ),
    )
    expect(statuses).toEqual([400, 400, 400, 400])
  })

  it.each([
    ['object URL', '?nosw', 'blob:'],
    ['worker', '', '/_img/'],
  ])(
    'shows the new version byte for byte after a token change, and keeps only it (%s path)',
    async (_path, query, prefix) => {
      const page = await (await open()).newPage()
      await page.goto(`${suite.e2e.url}${query}`)
      await shown(page, 'blob:')
      if (!query) {
        await page.waitFor(() => navigator.serviceWorker.controller !== null)
        await expect.poll(async () => (await storedIds(page)).cached.length, UNTIL).toBe(COUNT)
        await page.reload()
        await shown(page, prefix)
      }
      const { backend, ids, samples } = await suite.e2e.backend.seeded()
      const id = ids[0]!
      const old = backend.record(id)!.token
      const updated = await backend.update(id, samples[1]!.bytes)
      try {
        await page.reload()
        await shown(page, prefix)
        // The first image now shows the second's bytes.
        const expected = samples.slice(0, COUNT).map((sample, i) => (i === 0 ? samples[1]! : sample).bytes)
        expect(await shownDigests(page)).toEqual(digests(expected))
        await expect.poll(async () => (await dexieTokens(page))[id], UNTIL).toBe(updated.token)
        if (!query) {
          // The worker removes the old version after it stored the new one: wait for both.
          const versions = async () => {
            const urls = await workerCacheUrls(page)
            return {
              updated: urls.includes(`/_img/${id}?t=${updated.token}`),
              old: urls.includes(`/_img/${id}?t=${old}`),
            }
          }
          await expect.poll(versions, UNTIL).toEqual({ updated: true, old: false })
        }
      } finally {
        // As seeded again, under a newer token, for the other cases.
        await backend.update(id, samples[0]!.bytes)
      }
    },
  )

  it.each([
    ['object URL', '?nosw'],
    ['worker', ''],
  ])('fetches each image once across three tabs opened together (%s path)', async (_path, query) => {
    const context = await open()
    const tabs = await Promise.all([1, 2, 3].map(() => context.newPage()))
    const before = suite.e2e.totalRequests()
    // Slow answers, so every tab misses the cache while the first fetches are still out.
    suite.e2e.throttle(400)
    try {
      await Promise.all(tabs.map((tab) => tab.goto(`${suite.e2e.url}${query}`)))
      await Promise.all(tabs.map((tab) => shown(tab, '')))
    } finally {
      suite.e2e.throttle(0)
    }
    expect(suite.e2e.totalRequests() - before).toBe(COUNT)
  })

  it.each([
    ['object URL', '?nosw'],
    ['worker', ''],
  ])(
    'leaves nothing in either of two tabs after a logout in one, images mounted (%s path)',
    async (_path, query) => {
      const context = await open()
      const first = await context.newPage()
      const second = await context.newPage()
      for (const tab of [first, second]) {
        await tab.goto(`${suite.e2e.url}${query}`)
        await shown(tab, '')
      }
      if (!query) {
        // Both tabs on the worker path: reloaded once it controls them.
        for (const tab of [first, second]) {
          await tab.waitFor(() => navigator.serviceWorker.controller !== null)
          await tab.reload()
          await shown(tab, '/_img/')
        }
      }
      await first.evaluate(() => (window as unknown as Fixture).pixstore.logout())
      // The tabs share the origin's storage: read from the tab that did not log out.
      await expect.poll(() => storedIds(second), UNTIL).toMatchObject({ cached: [], dexie: [] })
      await expectNothingAtRest(suite.e2e, second)
      for (const tab of [first, second])
        await expect
          .poll(() => tab.evaluate(() => (window as unknown as Fixture).__liveUrls()), UNTIL)
          .toEqual([])
    },
  )
})
