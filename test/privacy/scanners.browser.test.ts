// The page-API scan must see a secret in every form it could be stored in: each form is
// written on purpose, and the scan has to find it.
import { afterEach, describe, expect, it } from 'vitest'
import { base64ToBytes, bytesToBase64, type ImageRecord } from '../../src/core/internal'
import { makeImage } from '../support/images'
import { expectNoSecretsAtRest } from '../support/scanIndexedDB'
import { keyForms } from '../support/secretForms'

const dbName = `scanner-canary-${Date.now()}`
const cacheName = `scanner-canary-${Date.now()}`

afterEach(async () => {
  await caches.delete(cacheName)
  await new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(dbName)
    request.onsuccess = request.onerror = request.onblocked = resolve
  })
})

async function put(value: unknown): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(dbName)
    open.onupgradeneeded = () => open.result.createObjectStore('values')
    open.onsuccess = () => resolve(open.result)
    open.onerror = () => reject(open.error)
  })
  await new Promise((resolve, reject) => {
    const tx = db.transaction('values', 'readwrite')
    tx.objectStore('values').put(value, 'canary')
    tx.oncomplete = resolve
    tx.onerror = () => reject(tx.error)
  })
  db.close()
}

async function image(seed: number): Promise<{ record: ImageRecord; bytes: Uint8Array<ArrayBuffer> }> {
  const key = crypto.getRandomValues(new Uint8Array(32))
  const record: ImageRecord = {
    id: `canary-${seed}`,
    token: 1,
    meta: { key: bytesToBase64(key), iv: '', tag: '' },
    statelessProof: 'p',
  }
  return { record, bytes: new Uint8Array(await makeImage(24, 24, 'image/png', seed)) }
}

describe('the page-API at-rest scan', () => {
  it('finds a key stored as text in every encoding', async () => {
    const canary = await image(1)
    for (const form of keyForms('key', base64ToBytes(canary.record.meta.key))) {
      // Text forms as the strings they encode, the raw form as bytes.
      const text = new TextDecoder(form.name.endsWith('utf-16') ? 'utf-16le' : 'latin1').decode(form.bytes)
      await put(form.name.endsWith('raw') ? form.bytes : { note: text })
      await expect(expectNoSecretsAtRest([canary]), form.name).rejects.toThrow()
    }
  })

  it('finds plaintext inside a Blob, as base64 text, and in Cache Storage', async () => {
    const canary = await image(2)
    await put({ blob: new Blob([canary.bytes]) })
    await expect(expectNoSecretsAtRest([canary])).rejects.toThrow()
    await put({ dataUrl: `data:image/png;base64,${bytesToBase64(canary.bytes)}` })
    await expect(expectNoSecretsAtRest([canary])).rejects.toThrow()
    await put('nothing')
    await (await caches.open(cacheName)).put('/canary', new Response(canary.bytes))
    await expect(expectNoSecretsAtRest([canary])).rejects.toThrow()
    await caches.delete(cacheName)
    await expect(expectNoSecretsAtRest([canary])).resolves.toBeUndefined()
  })
})
