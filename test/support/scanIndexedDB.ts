import { expect } from 'vitest'
import { base64ToBytes, type ImageRecord } from '../../src/core'
import { indexOfBytes } from './images'

/**
 * Every byte reachable from every value of every store of every database, read with the
 * raw IndexedDB API. Typed arrays contribute their whole underlying buffer, so bytes that
 * sit outside a view but were serialised with it are found too.
 */
export async function indexedDBBytes(only: (name: string) => boolean = () => true): Promise<Uint8Array[]> {
  const found: Uint8Array[] = []
  const visit = (value: unknown, seen: Set<unknown>) => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return
    seen.add(value)
    if (ArrayBuffer.isView(value)) found.push(new Uint8Array(value.buffer))
    else if (value instanceof ArrayBuffer) found.push(new Uint8Array(value))
    else for (const child of Object.values(value)) visit(child, seen)
  }
  for (const info of await indexedDB.databases()) {
    if (!only(info.name!)) continue
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(info.name!)
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })
    for (const name of db.objectStoreNames) {
      const values = await new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(name).objectStore(name).getAll()
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error)
      })
      values.forEach((value) => visit(value, new Set()))
    }
    db.close()
  }
  return found
}

/**
 * Asserts that no database of the origin holds any image's key bytes or a 32-byte run from
 * the middle of its plaintext.
 */
export async function expectNoSecretsAtRest(
  images: ReadonlyArray<{ record: ImageRecord; bytes: Uint8Array }>,
): Promise<void> {
  const buffers = await indexedDBBytes()
  for (const { record, bytes } of images) {
    const key = base64ToBytes(record.meta.key)
    const middle = bytes.subarray(bytes.length >> 1, (bytes.length >> 1) + 32)
    for (const buffer of buffers) {
      expect(indexOfBytes(buffer, key)).toBe(-1)
      expect(indexOfBytes(buffer, middle)).toBe(-1)
    }
  }
}
