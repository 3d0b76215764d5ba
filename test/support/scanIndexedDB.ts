import { expect } from 'vitest'
import { base64ToBytes, type ImageRecord } from '../../src/core/internal'
import { findSecrets, imageSecrets } from './secretForms'

const utf16 = (text: string) => {
  const bytes = new Uint8Array(text.length * 2)
  for (let i = 0; i < text.length; i++) {
    bytes[i * 2] = text.charCodeAt(i) & 0xff
    bytes[i * 2 + 1] = text.charCodeAt(i) >> 8
  }
  return bytes
}

/**
 * Every byte reachable from every value of every store of every database (read with the
 * raw IndexedDB API), and every body in Cache Storage. Typed arrays give their whole
 * underlying buffer (bytes outside a view are serialised with it), strings give their
 * UTF-16 code units and their low bytes, Blobs their contents.
 */
export async function storedBytes(only: (name: string) => boolean = () => true): Promise<Uint8Array[]> {
  const found: Uint8Array[] = []
  const blobs: Blob[] = []
  const visit = (value: unknown, seen: Set<unknown>) => {
    if (typeof value === 'string') {
      found.push(
        Uint8Array.from(value, (c) => c.charCodeAt(0) & 0xff),
        utf16(value),
      )
      return
    }
    if (value === null || typeof value !== 'object' || seen.has(value)) return
    seen.add(value)
    if (ArrayBuffer.isView(value)) found.push(new Uint8Array(value.buffer))
    else if (value instanceof ArrayBuffer) found.push(new Uint8Array(value))
    else if (value instanceof Blob) blobs.push(value)
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
      const [keys, values] = await Promise.all(
        (['getAllKeys', 'getAll'] as const).map(
          (method) =>
            new Promise<unknown[]>((resolve, reject) => {
              const request = db.transaction(name).objectStore(name)[method]()
              request.onsuccess = () => resolve(request.result)
              request.onerror = () => reject(request.error)
            }),
        ),
      )
      for (const value of [...keys!, ...values!]) visit(value, new Set())
    }
    db.close()
  }
  for (const name of await caches.keys()) {
    if (!only(name)) continue
    const cache = await caches.open(name)
    for (const request of await cache.keys()) {
      visit(request.url, new Set())
      blobs.push(await (await cache.match(request))!.blob())
    }
  }
  for (const blob of blobs) found.push(new Uint8Array(await blob.arrayBuffer()))
  return found
}

/**
 * Asserts that no database and no cache of the origin holds any image's key, in any form
 * (raw, base64, base64url, hex, as bytes or text), or any run of its plaintext (raw or
 * base64), from several places in each image.
 */
export async function expectNoSecretsAtRest(
  images: ReadonlyArray<{ record: ImageRecord; bytes: Uint8Array }>,
): Promise<void> {
  const secrets = imageSecrets(
    images.map(({ record, bytes }) => ({ key: base64ToBytes(record.meta.key), plaintext: bytes })),
  )
  expect(findSecrets(await storedBytes(), secrets)).toEqual([])
}
