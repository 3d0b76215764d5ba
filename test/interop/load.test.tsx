// Load, in Chromium against the real pixstore 3 backend: a thousand <SecureImage> for two
// hundred records mounted at once, records changing tokens while they load; then the heap
// after unmount.
import { QueryClient } from '@tanstack/react-query'
import { act, cleanup, render, waitFor } from '@testing-library/react'
import { useState } from 'react'
import { describe, expect, it } from 'vitest'
import { cdp, commands } from 'vitest/browser'
import type { ImageRecord } from '../../src/core'
import { PixstoreProvider, SecureImage } from '../../src'
import { trackObjectUrls } from '../support/pixstoreHarness'
import { makeImage, toBase64 } from '../support/images'
import { expectNoSecretsAtRest } from '../support/scanIndexedDB'

const RECORDS = 200
const COMPONENTS = 1000
// First versions are 16 px wide, later ones 24 px: the width tells which version is shown.
const FIRST = 16
const NEXT = 24

async function heapUsed(): Promise<number> {
  const session = cdp()
  await session.send('HeapProfiler.collectGarbage')
  await new Promise((resolve) => setTimeout(resolve, 50))
  await session.send('HeapProfiler.collectGarbage')
  return ((await session.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize
}

let setRecords: (update: (records: ImageRecord[]) => ImageRecord[]) => void = () => undefined

function Wall({ initial }: { initial: ImageRecord[] }) {
  const [records, set] = useState(initial)
  setRecords = set
  return (
    <div>
      {Array.from({ length: COMPONENTS }, (_, i) => {
        const record = records[i % records.length]!
        return <SecureImage key={i} record={record} alt={`${record.id} ${i}`} data-id={record.id} />
      })}
    </div>
  )
}

function mountWall(records: ImageRecord[], baseUrl: string, dbName: string) {
  return render(
    <PixstoreProvider
      config={{ endpoint: { baseUrl }, cache: { dbName } }}
      queryClient={new QueryClient()}
      serviceWorker={false}
    >
      <Wall initial={records} />
    </PixstoreProvider>,
  )
}

const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 100)))

describe('under load', () => {
  it('ends every image on its record’s current version, and gives the heap back after unmount', async () => {
    const baseUrl = await commands.backendUrl()
    const firstBytes = await makeImage(FIRST, FIRST, 'image/png', 7000)
    const nextBytes = await makeImage(NEXT, NEXT, 'image/png', 7001)
    const [first, next] = [toBase64(firstBytes), toBase64(nextBytes)]
    const records = await Promise.all(Array.from({ length: RECORDS }, () => commands.backendSave(first)))
    const urls = trackObjectUrls()
    try {
      // A warm-up round, so the baseline already holds the code and the backend's answers.
      mountWall(records.slice(0, 10), baseUrl, `load-warm-${Date.now()}`)
      await waitFor(() => expect(document.querySelectorAll('img[src]').length).toBe(COMPONENTS), {
        timeout: 30_000,
      })
      cleanup()
      await settle()
      const baseline = await heapUsed()

      mountWall(records, baseUrl, `load-${Date.now()}`)
      // While they load, every fourth record gets a new version.
      const changed = records.filter((_, i) => i % 4 === 0)
      const updated = await Promise.all(changed.map((record) => commands.backendUpdate(record.id, next)))
      const current = new Map(updated.map((record) => [record.id, record]))
      act(() => setRecords((list) => list.map((record) => current.get(record.id) ?? record)))

      await waitFor(
        () => {
          const images = [...document.querySelectorAll<HTMLImageElement>('img')]
          expect(images).toHaveLength(COMPONENTS)
          const wrong = images.filter(
            (img) => !img.complete || img.naturalWidth !== (current.has(img.dataset.id!) ? NEXT : FIRST),
          )
          expect(wrong).toHaveLength(0)
        },
        { timeout: 30_000, interval: 200 },
      )

      cleanup()
      await settle()
      expect(urls.live()).toEqual([])
      const after = await heapUsed()
      // Blobs live outside the JS heap; what a thousand components left behind would show.
      expect(after - baseline).toBeLessThan(2 * 1024 * 1024)
      await expectNoSecretsAtRest([
        ...records.map((record) => ({ record, bytes: firstBytes })),
        ...updated.map((record) => ({ record, bytes: nextBytes })),
      ])
    } finally {
      urls.restore()
    }
  })
})
