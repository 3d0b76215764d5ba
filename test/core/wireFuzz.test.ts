// Property-based fuzzing of the wire decoder and the image service: whatever bytes arrive,
// the outcome is an image or a PixstoreError with a code, and the cache only ever holds
// ciphertext that decrypts.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createImageService,
  decodeWirePayload,
  decryptImage,
  DEFAULT_IMAGE_FORMATS,
  importDecryptionKey,
  isPixstoreError,
  type ImageRecord,
  type PixstoreErrorCode,
} from '../../src/core/internal'
import { createMemoryBackend, type MemoryBackend } from '../../src/testing'
import { testDatabase } from '../support/testDatabase'

const CODES: readonly PixstoreErrorCode[] = [
  'not-found',
  'missing-id',
  'missing-proof',
  'invalid-proof',
  'server-error',
  'network',
  'http-status',
  'bad-payload',
  'decrypt-failed',
  'unsupported-format',
  'timeout',
  'aborted',
  'storage',
]

const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)
beforeAll(() => void process.on('unhandledRejection', onUnhandled))
afterAll(() => void process.off('unhandledRejection', onUnhandled))

/** A byte-level change to a real payload. */
type Mutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'extend'; bytes: Uint8Array }
  | { kind: 'splice'; at: number; bytes: Uint8Array }
  | { kind: 'set'; at: number; value: number }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip'), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate'), at: fc.nat() }),
  fc.record({ kind: fc.constant('extend'), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('splice'), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
  // The state byte and the lengths near the head are the interesting places.
  fc.record({ kind: fc.constant('set'), at: fc.nat({ max: 80 }), value: fc.nat({ max: 255 }) }),
) as fc.Arbitrary<Mutation>

function mutate(payload: Uint8Array, mutations: readonly Mutation[]): Uint8Array<ArrayBuffer> {
  let bytes = Uint8Array.from(payload)
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : ('at' in m ? m.at : 0) % bytes.length
    if (m.kind === 'flip' && bytes.length) bytes[at]! ^= m.mask
    else if (m.kind === 'set' && bytes.length) bytes[at] = m.value
    else if (m.kind === 'truncate') bytes = bytes.slice(0, at)
    else if (m.kind === 'extend') bytes = Uint8Array.from([...bytes, ...m.bytes])
    else if (m.kind === 'splice')
      bytes = Uint8Array.from([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)])
  }
  return bytes
}

const expectCoded = (error: unknown) => {
  expect(isPixstoreError(error)).toBe(true)
  expect(CODES).toContain((error as { code: string }).code)
}

describe('wire fuzzing', () => {
  it('decodes any byte string to a payload or a coded PixstoreError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        try {
          const payload = decodeWirePayload(bytes)
          expect(typeof payload.state).toBe('number')
        } catch (error) {
          expectCoded(error)
        }
      }),
      { numRuns: 5000 },
    )
  })

  describe('through the image service, on real payloads mutated', () => {
    let backend: MemoryBackend
    const records: ImageRecord[] = []
    const plain = Uint8Array.from({ length: 300 }, (_, i) => (i * 13) % 256)

    beforeAll(async () => {
      backend = createMemoryBackend()
      const first = await backend.save(plain, 'png')
      records.push(first)
      // An older token of a second image, so its answers are `Updated` payloads with key bytes.
      const second = await backend.save(plain.subarray(0, 200), 'webp')
      records.push(second)
      await backend.update(second.id, plain.subarray(0, 250), 'jpg')
    })

    it('every outcome is an image or a coded error, and every cached entry decrypts', async () => {
      const { db } = await testDatabase()
      // The body each call should see travels in the call's context.
      const service = createImageService({
        fetcher: async (_record, context) => context as Uint8Array,
        cache: { database: db },
      })
      const genuine = await Promise.all(
        records.map(
          async (record) =>
            new Uint8Array(await backend.fetcher(record, undefined, new AbortController().signal)),
        ),
      )
      let images = 0
      let errors = 0
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: records.length - 1 }),
          // Zero mutations keeps genuine answers in the mix, so both outcomes are exercised.
          fc.array(mutation, { maxLength: 4 }),
          async (which, mutations) => {
            const body = mutate(genuine[which]!, mutations)
            const record = records[which]!
            await db.images.clear()
            try {
              const blob = await service.getImage(record, { context: body })
              expect(blob.size).toBeGreaterThan(0)
              images++
            } catch (error) {
              expectCoded(error)
              errors++
            }
            const current = backend.record(record.id)!
            const key = await importDecryptionKey(current.meta)
            for (const entry of await db.images.toArray()) {
              await expect(decryptImage(entry.encrypted, key, DEFAULT_IMAGE_FORMATS)).resolves.toBeDefined()
            }
          },
        ),
        { numRuns: 400 },
      )
      expect(images).toBeGreaterThan(0)
      expect(errors).toBeGreaterThan(0)
      expect(unhandled).toEqual([])
      await service.close()
    })
  })
})
