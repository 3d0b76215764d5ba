// Storage faults under a running app, in Chromium against the real pixstore 3 backend:
// a full disk (Chromium's quota override through the DevTools protocol) and the database
// deleted underneath. Images keep displaying; what is cached stays decryptable.
import { QueryClient } from '@tanstack/react-query'
import { cleanup, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cdp, commands } from 'vitest/browser'
import {
  decryptImage,
  DEFAULT_IMAGE_FORMATS,
  importDecryptionKey,
  PixstoreDatabase,
  type ImageRecord,
  type PixstoreErrorCode,
} from '../../src/core'
import { PixstoreProvider, SecureImage } from '../../src'
import { makeImage, toBase64 } from '../support/images'

let baseUrl: string
let seed = 900

beforeAll(async () => {
  baseUrl = await commands.backendUrl()
})
afterEach(() => cleanup())

async function saveMany(count: number, size: number): Promise<ImageRecord[]> {
  const records: ImageRecord[] = []
  // Noise-heavy images, so each entry is tens of kilobytes of ciphertext.
  for (let i = 0; i < count; i++)
    records.push(await commands.backendSave(toBase64(await makeImage(size, size, 'image/png', seed++))))
  return records
}

/** A running app showing `records`; `show` changes what it shows. */
function gallery(records: ImageRecord[], dbName: string, errors: PixstoreErrorCode[] = []) {
  const queryClient = new QueryClient()
  const tree = (shown: ImageRecord[]) => (
    <PixstoreProvider
      config={{ endpoint: { baseUrl }, cache: { dbName }, onError: (error) => errors.push(error.code) }}
      queryClient={queryClient}
      serviceWorker={false}
    >
      {shown.map((record) => (
        <SecureImage key={record.id} record={record} alt={record.id} fallback={(e) => <b>{e.code}</b>} />
      ))}
    </PixstoreProvider>
  )
  const view = render(tree(records))
  return { show: (shown: ImageRecord[]) => view.rerender(tree(shown)) }
}

const allDisplayed = (records: ImageRecord[]) =>
  waitFor(
    () => {
      for (const record of records) {
        const img = screen.getByAltText(record.id) as HTMLImageElement
        expect(img.complete && img.naturalWidth).toBeGreaterThan(0)
      }
    },
    { timeout: 15_000 },
  )

/** Every entry of the database, checked to decrypt with its record's key. */
async function decryptableIds(dbName: string, records: ImageRecord[]): Promise<string[]> {
  const db = new PixstoreDatabase(dbName)
  const entries = await db.images.toArray()
  db.close()
  for (const entry of entries) {
    const record = records.find((r) => r.id === entry.id)!
    expect(entry.token).toBe(record.token)
    await decryptImage(entry.encrypted, await importDecryptionKey(record.meta), DEFAULT_IMAGE_FORMATS)
  }
  return entries.map((entry) => entry.id).sort()
}

describe('storage faults', () => {
  it('keeps displaying when the disk is full, evicts to make room, and caches again once there is space', async () => {
    const dbName = `quota-${Date.now()}`
    const records = await saveMany(16, 160)
    const first = records.slice(0, 4)
    gallery(first, dbName)
    await allDisplayed(first)
    await expect.poll(async () => (await decryptableIds(dbName, records)).length).toBe(4)
    cleanup()

    const session = cdp()
    const origin = location.origin
    const { usage = 0 } = await navigator.storage.estimate()
    console.log('usage', usage, await navigator.storage.estimate())
    // Room for about two more images: the next twelve cannot all fit.
    await session.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 100_000 })
    console.log(window.top === window, document.referrer, (window.top as Window).location.href)
    console.log(
      origin,
      JSON.stringify(await session.send('Storage.getUsageAndQuota', { origin })),
      JSON.stringify(await navigator.storage.estimate()),
    )
    try {
      const errors: PixstoreErrorCode[] = []
      const rest = records.slice(4)
      gallery(rest, dbName, errors)
      await allDisplayed(rest)
      expect(screen.queryByText('storage')).toBeNull()
      // What is left is whole: every entry decrypts, and some of the full disk made room.
      const left = await decryptableIds(dbName, records)
      console.log('after', await navigator.storage.estimate(), errors, left.length)
      expect(left.length).toBeLessThan(records.length)
      cleanup()
    } finally {
      await session.send('Storage.overrideQuotaForOrigin', { origin })
    }

    const [late] = await saveMany(1, 160)
    gallery([late!], dbName)
    await allDisplayed([late!])
    await expect
      .poll(async () => (await decryptableIds(dbName, [...records, late!])).includes(late!.id))
      .toBe(true)
  })

  it('keeps displaying when the database is deleted under the running app, and caches again', async () => {
    const dbName = `deleted-${Date.now()}`
    const records = await saveMany(6, 64)
    const shown = records.slice(0, 3)
    const app = gallery(shown, dbName)
    await allDisplayed(shown)
    await expect.poll(async () => (await decryptableIds(dbName, records)).length).toBe(3)

    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(dbName)
      request.onsuccess = () => resolve()
      request.onerror = () => reject(request.error)
    })
    // Shown images stay; new ones load and land in a recreated database.
    app.show(records)
    await allDisplayed(records)
    await expect
      .poll(() => decryptableIds(dbName, records))
      .toEqual(
        records
          .slice(3)
          .map((r) => r.id)
          .sort(),
      )
  })
})
