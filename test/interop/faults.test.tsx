// Network faults between the kit and the real pixstore 3 backend, injected by a proxy:
// what can heal is retried, what cannot shows the fallback with its code, a later good
// answer displays, and nothing but decryptable ciphertext is ever cached.
import { QueryClient } from '@tanstack/react-query'
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { commands } from 'vitest/browser'
import {
  decryptImage,
  DEFAULT_IMAGE_FORMATS,
  importDecryptionKey,
  type ImageRecord,
} from '../../src/core/internal'
import { PixstoreDatabase } from '../../src/core/internal'
import { PixstoreProvider, SecureImage } from '../../src'
import type { Fault } from '../support/faultProxy'
import { makeImage, toBase64 } from '../support/images'
import { expectNoSecretsAtRest } from '../support/scanIndexedDB'
import { UNTIL } from '../support/hang'

let proxy: string
let seed = 500
const dbName = `faults-${Date.now()}`
const shown: Array<{ record: ImageRecord; bytes: Uint8Array }> = []

beforeAll(async () => {
  proxy = await commands.faultProxyUrl()
})
afterEach(() => cleanup())

async function saved() {
  const bytes = await makeImage(48, 48, 'image/png', seed++)
  const record = await commands.backendSave(toBase64(bytes))
  shown.push({ record, bytes })
  return record
}

/** One SecureImage through the proxy; `codes` collects every fallback rendered. */
function mount(record: ImageRecord) {
  const codes: string[] = []
  const queryClient = new QueryClient({ defaultOptions: { queries: { retryDelay: 10 } } })
  render(
    <PixstoreProvider
      config={{ endpoint: { baseUrl: proxy }, timeout: 2500, cache: { dbName } }}
      queryClient={queryClient}
      serviceWorker={false}
    >
      <SecureImage
        record={record}
        alt="faulty"
        fallback={(error, retry) => {
          codes.push(error.code)
          return (
            <button data-code={error.code} onClick={retry}>
              retry
            </button>
          )
        }}
      />
    </PixstoreProvider>,
  )
  return codes
}

const displayed = () =>
  waitFor(() => {
    const img = screen.getByAltText('faulty') as HTMLImageElement
    expect(img.getAttribute('src')).toMatch(/^blob:/)
    expect(img.complete && img.naturalWidth).toBe(48)
  }, UNTIL)

const HEALING: Array<[Fault, string]> = [
  ['reset', 'network'],
  ['status-500', 'http-status'],
  ['status-502', 'http-status'],
  ['status-503', 'http-status'],
  ['slow', 'timeout'],
  ['wrong-length', 'network'],
]

describe('faults injected between the kit and the real backend', () => {
  it.each(HEALING)('retries past one %s and displays the image', async (fault) => {
    const record = await saved()
    await commands.faultPlan(record.id, [fault])
    const codes = mount(record)
    await displayed()
    expect(codes).toEqual([])
    expect(await commands.faultRequests(record.id)).toBe(2)
  })

  it.each(HEALING)(
    'after four %s in a row shows the fallback with %s; retry displays',
    async (fault, code) => {
      const record = await saved()
      await commands.faultPlan(record.id, [fault, fault, fault, fault])
      const codes = mount(record)
      const button = await screen.findByRole('button', {}, UNTIL)
      expect(button.dataset.code).toBe(code)
      expect(await commands.faultRequests(record.id)).toBe(4)
      act(() => button.click())
      await displayed()
      expect(new Set(codes)).toEqual(new Set([code]))
    },
  )

  it.each([
    // A Success payload carries no length: a cut body is caught by the GCM tag.
    ['truncate', 'decrypt-failed'],
    ['swap', 'decrypt-failed'],
  ] as Array<[Fault, string]>)(
    'does not retry a %s: the fallback shows %s, retry displays',
    async (fault, code) => {
      const record = await saved()
      await commands.faultPlan(record.id, [fault])
      mount(record)
      const button = await screen.findByRole('button', {}, UNTIL)
      expect(button.dataset.code).toBe(code)
      expect(await commands.faultRequests(record.id)).toBe(1)
      act(() => button.click())
      await displayed()
    },
  )

  it('leaves only decryptable ciphertext at rest: no plaintext, no key bytes', async () => {
    const db = new PixstoreDatabase(dbName)
    const entries = await db.images.toArray()
    expect(entries.map((entry) => entry.id).sort()).toEqual(shown.map((s) => s.record.id).sort())
    for (const entry of entries) {
      const { record } = shown.find((s) => s.record.id === entry.id)!
      expect(entry.token).toBe(record.token)
      const image = await decryptImage(
        entry.encrypted,
        await importDecryptionKey(record.meta),
        DEFAULT_IMAGE_FORMATS,
      )
      expect(image.mimeType).toBe('image/png')
    }
    db.close()
    await expectNoSecretsAtRest(shown)
  })
})
