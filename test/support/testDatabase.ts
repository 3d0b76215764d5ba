import { vi } from 'vitest'
import type { DBCore, Middleware } from 'dexie'
import { PixstoreDatabase } from '../../src/core/internal'

let counter = 0

/** Counts DBCore calls so tests can see transactions and reads. */
export interface DbCalls {
  transactions: number
  reads: number
  writes: number
  /** Writes to the ciphertext table (`images`). */
  imageWrites: number
  /** Cursors that load values (not just keys). */
  valueCursors: number
}

/**
 * A fresh database with a unique name. In Node it runs on fake-indexeddb (pure logic);
 * in the browser on the real IndexedDB. `fault` may throw from a mutation.
 */
export async function testDatabase(
  options: { fault?: (type: string) => void } = {},
): Promise<{ db: PixstoreDatabase; calls: DbCalls }> {
  const name = `pixstore-test-${Date.now()}-${counter++}`
  let db: PixstoreDatabase
  if (typeof window === 'undefined') {
    const { indexedDB, IDBKeyRange } = await import('fake-indexeddb')
    db = new PixstoreDatabase(name, { indexedDB, IDBKeyRange })
  } else {
    db = new PixstoreDatabase(name)
  }
  const calls: DbCalls = { transactions: 0, reads: 0, writes: 0, imageWrites: 0, valueCursors: 0 }
  const middleware: Middleware<DBCore> = {
    stack: 'dbcore',
    name: 'test-counter',
    create: (down) => ({
      ...down,
      transaction: (...args) => {
        calls.transactions++
        return down.transaction(...args)
      },
      table: (tableName) => {
        const table = down.table(tableName)
        return {
          ...table,
          get: (req) => (calls.reads++, table.get(req)),
          getMany: (req) => (calls.reads++, table.getMany(req)),
          openCursor: (req) => {
            if (req.values) calls.valueCursors++
            return table.openCursor(req)
          },
          mutate: async (req) => {
            calls.writes++
            if (tableName === 'images') calls.imageWrites++
            options.fault?.(req.type)
            return table.mutate(req)
          },
        }
      },
    }),
  }
  db.use(middleware)
  return { db, calls }
}

/** A row as a test writes it straight into the database: its ciphertext and its usage. */
export interface TestEntry {
  id: string
  token: number
  encrypted: Uint8Array<ArrayBuffer>
  lastUsed: number
  /** @default encrypted.byteLength */
  bytes?: number
}

/** Writes entries as the store does (`images` and `usage`, one transaction), bypassing it. */
export function putEntries(db: PixstoreDatabase, entries: TestEntry[]): Promise<unknown> {
  return db.transaction('rw', [db.images, db.usage], () =>
    Promise.all([
      db.images.bulkPut(entries.map(({ id, token, encrypted }) => ({ id, token, encrypted }))),
      db.usage.bulkPut(
        entries.map(({ id, token, encrypted, lastUsed, bytes = encrypted.byteLength }) => ({
          id,
          token,
          bytes,
          lastUsed,
        })),
      ),
    ]),
  )
}

/** Holds the database's read-write transactions (the store's writes) until the test releases them. */
export function holdWrites(db: PixstoreDatabase) {
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  const reached = vi.fn()
  const transaction = db.transaction.bind(db) as (...args: unknown[]) => Promise<unknown>
  Object.assign(db, {
    transaction: async (...args: unknown[]) => {
      if (args[0] === 'rw') {
        reached()
        await released
      }
      return transaction(...args)
    },
  })
  return { release, reached }
}

/** Whether `promise` has settled by a few tasks from now (only for a promise nothing else can settle). */
export async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  )
  await new Promise((resolve) => setTimeout(resolve, 20))
  return settled
}
