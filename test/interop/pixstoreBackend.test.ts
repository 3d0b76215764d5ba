import { beforeAll, describe, expect, it } from 'vitest'
import { commands } from 'vitest/browser'
import {
  createImageService,
  PixstoreDatabase,
  PixstoreError,
  type ImageRecord,
  type PixstoreConfig,
} from '../../src/core/internal'
import { makeImage, toBase64 } from '../support/images'
import { expectNoSecretsAtRest, storedBytes } from '../support/scanIndexedDB'

let baseUrl: string
let dbCounter = 0

function service(config: Partial<PixstoreConfig> = {}) {
  const requests: string[] = []
  const countingFetch: typeof fetch = (input, init) => {
    requests.push(String(input))
    return fetch(input, init)
  }
  const db = new PixstoreDatabase(`interop-${Date.now()}-${dbCounter++}`)
  const instance = createImageService({
    endpoint: { baseUrl, fetch: countingFetch },
    cache: { database: db },
    ...config,
  })
  return { instance, requests, db }
}

const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer())

const samples = [
  { type: 'image/png', seed: 1, size: 96 },
  { type: 'image/webp', seed: 2, size: 120 },
  { type: 'image/jpeg', seed: 3, size: 160 },
] as const

beforeAll(async () => {
  baseUrl = await commands.backendUrl()
})

describe('against the real pixstore 3 backend', () => {
  it('returns every saved image byte for byte with its MIME type, and a second view makes no request', async () => {
    const { instance, requests } = service()
    for (const sample of samples) {
      const bytes = await makeImage(sample.size, sample.size, sample.type, sample.seed)
      const record = await commands.backendSave(toBase64(bytes))
      const blob = await instance.getImage(record)
      expect(blob.type).toBe(sample.type)
      expect(await bytesOf(blob)).toEqual(bytes)
      const before = requests.length
      const again = await instance.getImage(record)
      expect(await bytesOf(again)).toEqual(bytes)
      expect(requests.length).toBe(before)
    }
    expect(requests).toHaveLength(samples.length)
    expect(requests[0]).toMatch(new RegExp(`^${baseUrl}/pixstore-image/`))
    await instance.close()
  })

  it('shows the new image after updateImage, for a stale record and for the fresh one', async () => {
    const viewer = service()
    const newcomer = service()
    const first = await makeImage(64, 64, 'image/png', 10)
    const second = await makeImage(64, 64, 'image/webp', 11)
    const stale = await commands.backendSave(toBase64(first))
    expect(await bytesOf(await viewer.instance.getImage(stale))).toEqual(first)
    const fresh = await commands.backendUpdate(stale.id, toBase64(second))
    expect(fresh.token).not.toBe(stale.token)

    // A client that never saw the image asks with the stale token: the backend answers Updated.
    const blob = await newcomer.instance.getImage(stale)
    expect(blob.type).toBe('image/webp')
    expect(await bytesOf(blob)).toEqual(second)
    expect((await newcomer.db.images.get(stale.id))?.token).toBe(fresh.token)

    // A client holding the old version gets the fresh record: a new token misses the cache.
    const again = await viewer.instance.getImage(fresh)
    expect(await bytesOf(again)).toEqual(second)
    expect(viewer.requests).toHaveLength(2)
    expect((await viewer.db.images.get(stale.id))?.token).toBe(fresh.token)
    await viewer.instance.close()
    await newcomer.instance.close()
  })

  it('gives not-found, invalid-proof and missing-proof for their cases', async () => {
    const { instance } = service()
    const record = await commands.backendSave(toBase64(await makeImage(32, 32, 'image/png', 20)))
    const code = async (r: ImageRecord) => {
      try {
        await instance.getImage(r)
      } catch (error) {
        return error instanceof PixstoreError ? error.code : String(error)
      }
      return 'resolved'
    }
    expect(await code({ ...record, statelessProof: 'AAAAAAAAAAA=' })).toBe('invalid-proof')
    expect(await code({ ...record, statelessProof: '' })).toBe('missing-proof')
    await commands.backendDelete(record.id)
    expect(await code(record)).toBe('not-found')
    expect(await instance.stats()).toEqual({ entries: 0, bytes: 0 })
    await instance.close()
  })

  it('leaves no key and no plaintext bytes anywhere in IndexedDB after an Updated answer', async () => {
    const { instance } = service()
    const stored: Array<{ bytes: Uint8Array; record: ImageRecord }> = []
    for (const sample of samples) {
      const image = await makeImage(sample.size, sample.size, sample.type, sample.seed + 30)
      const record = await commands.backendSave(toBase64(image))
      // A record with an old token forces an Updated answer, whose body carries the key.
      await instance.getImage({ ...record, token: record.token - 1 })
      stored.push({ bytes: image, record })
    }
    // Closed first: its pending writes land before the scan reads everything.
    await instance.close()
    expect((await storedBytes()).length).toBeGreaterThanOrEqual(samples.length)
    await expectNoSecretsAtRest(stored)
  })
})

describe('hostile input built from real payloads', () => {
  let record: ImageRecord
  let updated: Uint8Array
  let success: Uint8Array

  beforeAll(async () => {
    record = await commands.backendSave(toBase64(await makeImage(12, 12, 'image/png', 40)))
    const raw = async (token: number) => {
      const response = await fetch(`${baseUrl}/pixstore-image/${encodeURIComponent(record.id)}`, {
        headers: { 'x-pixstore-proof': record.statelessProof, 'x-pixstore-token': String(token) },
      })
      return new Uint8Array(await response.arrayBuffer())
    }
    updated = await raw(0)
    success = await raw(record.token)
    expect(updated[0]).toBe(1)
    expect(success[0]).toBe(0)
  })

  async function outcome(body: Uint8Array, config: Partial<PixstoreConfig> = {}, r: ImageRecord = record) {
    const { instance, db } = service({ fetcher: async () => body.slice(), ...config })
    let code: string
    try {
      await instance.getImage(r)
      code = 'image'
    } catch (error) {
      code = error instanceof PixstoreError ? error.code : `untyped: ${String(error)}`
    }
    const entries = (await instance.stats()).entries
    await instance.close()
    await db.delete()
    return { code, entries }
  }

  it('types every truncation of a real Updated payload and caches none', async () => {
    const { instance, db } = service()
    const header = 1 + 8 + 32 + 12 + 16
    for (let length = 0; length < updated.length; length++) {
      await db.images.clear()
      let code = 'image'
      try {
        await createImageService({
          fetcher: async () => updated.slice(0, length),
          cache: { database: db },
        }).getImage({ ...record, token: length })
      } catch (error) {
        code = error instanceof PixstoreError ? error.code : 'untyped'
      }
      expect(code, `length ${length}`).toBe(length <= header ? 'bad-payload' : 'decrypt-failed')
      expect(await db.images.count()).toBe(0)
    }
    await instance.close()
  })

  it('types over-long bodies, every state byte, flipped bits and wrong keys', async () => {
    const extra = new Uint8Array(updated.length + 5)
    extra.set(updated)
    expect(await outcome(extra)).toEqual({ code: 'decrypt-failed', entries: 0 })

    for (let state = 0; state <= 255; state++) {
      const body = updated.slice()
      body[0] = state
      const expected = state === 1 ? 'image' : state === 0 ? 'decrypt-failed' : 'bad-payload'
      expect(await outcome(body), `state ${state}`).toEqual({ code: expected, entries: state === 1 ? 1 : 0 })
    }

    const tagAt = 1 + 8 + 32 + 12
    for (const [name, offset] of [
      ['iv', 1 + 8 + 32 + 3],
      ['tag', tagAt + 5],
      ['ciphertext', tagAt + 16 + 7],
    ] as const) {
      const body = updated.slice()
      body[offset]! ^= 0x04
      expect(await outcome(body), name).toEqual({ code: 'decrypt-failed', entries: 0 })
    }

    const wrongKey = { ...record, meta: { ...record.meta, key: toBase64(new Uint8Array(32).fill(9)) } }
    expect(await outcome(success, {}, wrongKey)).toEqual({ code: 'decrypt-failed', entries: 0 })
  })

  it('types a format byte outside the configured list', async () => {
    const jpeg = await commands.backendSave(toBase64(await makeImage(16, 16, 'image/jpeg', 41)))
    const { instance } = service({ imageFormats: ['png', 'webp'] })
    await expect(instance.getImage(jpeg)).rejects.toMatchObject({ code: 'unsupported-format' })
    expect(await instance.stats()).toEqual({ entries: 0, bytes: 0 })
    await instance.close()
  })
})
