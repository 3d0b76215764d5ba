// Storage faults under a running app, in Chromium against the real pixstore 3 backend:
// a full disk and the database deleted underneath. Images keep displaying; what is cached
// stays decryptable. The full disk is a byte budget at the IndexedDB boundary: Chromium 156
// reports its DevTools quota override active, yet does not apply it to IndexedDB writes.
import { QueryClient } from '@tanstack/react-query'
import { cleanup, render, screen, waitFor } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { DBCore, Middleware } from 'dexie'
import { commands } from 'vitest/browser'
import {
  decryptImage,
  DEFAULT_IMAGE_FORMATS,
  importDecryptionKey,
  PixstoreDatabase,
  type ImageRecord,
  type StoredImage,
  type PixstoreErrorCode,
} from '../../src/core/internal'
import { PixstoreProvider, SecureImage } from '../../src'
import { makeImage, toBase64 } from '../support/images'
import { expectNoSecretsAtRest } from '../support/scanIndexedDB'
import { UNTIL } from '../support/hang'

let baseUrl: string
let seed = 900

beforeAll(async () => {
  baseUrl = await commands.backendUrl()
})
afterEach(() => cleanup())

const saved: Array<{ record: ImageRecord; bytes: Uint8Array }> = []
afterAll(() => expectNoSecretsAtRest(saved))

async function saveMany(count: number, size: number): Promise<ImageRecord[]> {
  const records: ImageRecord[] = []
  for (let i = 0; i < count; i++) {
    const bytes = await makeImage(size, size, 'image/png', seed++)
    records.push(await commands.backendSave(toBase64(bytes)))
    saved.push({ record: records.at(-1)!, bytes })
  }
  return records
}

/**
 * The pixstore database on the real IndexedDB with a disk of `budget` bytes: a write that
 * would go past it fails with the `QuotaExceededError` a full disk raises.
 */
function diskWithBudget(dbName: string) {
  const sizes = new Map<string, number>()
  const disk = {
    db: new PixstoreDatabase(dbName),
    budget: Infinity,
    refusals: 0,
    /** What reached the disk, in order: 'refused', 'evicted' (a delete), 'written'. */
    events: [] as Array<'refused' | 'evicted' | 'written'>,
    used: () => [...sizes.values()].reduce((a, b) => a + b, 0),
    largest: () => Math.max(0, ...sizes.values()),
  }
  const middleware: Middleware<DBCore> = {
    stack: 'dbcore',
    name: 'disk-budget',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name)
        // The ciphertext is what fills the disk; the usage rows beside it are a few bytes.
        if (name !== 'images') return table
        return {
          ...table,
          mutate: async (req) => {
            if (req.type === 'put' || req.type === 'add') {
              const rows = req.values as StoredImage[]
              const next = new Map(sizes)
              for (const row of rows) next.set(row.id, row.encrypted.byteLength)
              if ([...next.values()].reduce((a, b) => a + b, 0) > disk.budget) {
                disk.refusals++
                disk.events.push('refused')
                throw new DOMException('The disk is full', 'QuotaExceededError')
              }
              const result = await table.mutate(req)
              for (const row of rows) sizes.set(row.id, row.encrypted.byteLength)
              disk.events.push('written')
              return result
            }
            if (req.type === 'delete') {
              for (const key of req.keys as string[]) sizes.delete(key)
              disk.events.push('evicted')
            }
            if (req.type === 'deleteRange') sizes.clear()
            return table.mutate(req)
          },
        }
      },
    }),
  }
  disk.db.use(middleware)
  return disk
}

/** A running app showing `records`; `show` changes what it shows. */
function gallery(
  records: ImageRecord[],
  database: string | PixstoreDatabase,
  errors: PixstoreErrorCode[] = [],
) {
  const queryClient = new QueryClient()
  const tree = (shown: ImageRecord[]) => (
    <PixstoreProvider
      config={{
        endpoint: { baseUrl },
        cache: typeof database === 'string' ? { dbName: database } : { database },
        onError: (error) => errors.push(error.code),
      }}
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
  waitFor(() => {
    for (const record of records) {
      const img = screen.getByAltText(record.id) as HTMLImageElement
      expect(img.complete && img.naturalWidth).toBeGreaterThan(0)
    }
  }, UNTIL)

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
    const disk = diskWithBudget(dbName)
    const records = await saveMany(12, 160)
    const first = records.slice(0, 4)
    const errors: PixstoreErrorCode[] = []
    const app = gallery(first, disk.db, errors)
    await allDisplayed(first)
    await expect.poll(async () => (await decryptableIds(dbName, records)).length).toBe(4)

    // The disk fills up: room for about two more entries.
    disk.budget = disk.used() + 2 * disk.largest()
    app.show(records)
    await allDisplayed(records)
    expect(screen.queryByText('storage')).toBeNull()
    await expect.poll(() => disk.refusals).toBeGreaterThan(0)
    // A refused write was followed by an eviction and the write tried again, which landed.
    // A batch larger than all the room eviction can make fails for good, reported as storage.
    await expect.poll(() => disk.events.join(' ')).toMatch(/refused.* evicted.* written/)
    expect(errors.filter((code) => code !== 'storage')).toEqual([])
    // What is left is whole: every entry decrypts; older ones made room for newer ones.
    const left = await decryptableIds(dbName, records)
    expect(left.length).toBeLessThan(records.length)
    expect(left.length).toBeGreaterThan(0)

    disk.budget = Infinity
    const [late] = await saveMany(1, 160)
    app.show([...records, late!])
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
