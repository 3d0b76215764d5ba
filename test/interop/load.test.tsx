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

/**
 * After garbage collection: the JS heap, and the DOM nodes alive in the renderer (attached
 * or not: a detached `<img>` kept alive by a leak counts here, not in the JS heap).
 */
async function memory(): Promise<{ heap: number; nodes: number }> {
  const session = cdp()
  await session.send('HeapProfiler.collectGarbage')
  await new Promise((resolve) => setTimeout(resolve, 50))
  await session.send('HeapProfiler.collectGarbage')
  const heap = ((await session.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize
  const { nodes } = (await session.send('Memory.getDOMCounters')) as { nodes: number }
  return { heap, nodes }
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

/** Unmounts the wall and waits until the provider has disposed of it (every object URL revoked). */
async function unmount(urls: ReturnType<typeof trackObjectUrls>): Promise<void> {
  cleanup()
  // The test's own handle on the wall's state would keep its nodes alive.
  setRecords = () => undefined
  await waitFor(() => expect(urls.live()).toEqual([]), { timeout: 60_000 })
}

// On a busy machine a thousand components take their time: the proof waits for them.
const PATIENCE = { timeout: 150_000, interval: 200 }

describe('under load', () => {
  it('ends every image on its record’s current version; after unmount gives back the heap and every object URL, and DOM nodes do not pile up', async () => {
    const baseUrl = await commands.backendUrl()
    const firstBytes = await makeImage(FIRST, FIRST, 'image/png', 7000)
    const nextBytes = await makeImage(NEXT, NEXT, 'image/png', 7001)
    const [first, next] = [toBase64(firstBytes), toBase64(nextBytes)]
    const records = await Promise.all(Array.from({ length: RECORDS }, () => commands.backendSave(first)))
    const urls = trackObjectUrls()
    try {
      // A warm-up round, so the baseline already holds the code and the backend's answers.
      mountWall(records.slice(0, 10), baseUrl, `load-warm-${Date.now()}`)
      await waitFor(() => expect(document.querySelectorAll('img[src]').length).toBe(COMPONENTS), PATIENCE)
      await unmount(urls)
      const baseline = await memory()

      mountWall(records, baseUrl, `load-${Date.now()}`)
      // While they load, every fourth record gets a new version.
      const changed = records.filter((_, i) => i % 4 === 0)
      const updated = await Promise.all(changed.map((record) => commands.backendUpdate(record.id, next)))
      const current = new Map(updated.map((record) => [record.id, record]))
      act(() => setRecords((list) => list.map((record) => current.get(record.id) ?? record)))

      await waitFor(() => {
        // Counts only: a failed attempt's message must not hold on to the elements.
        const images = [...document.querySelectorAll<HTMLImageElement>('img')]
        const wrong = images.filter(
          (img) => !img.complete || img.naturalWidth !== (current.has(img.dataset.id!) ? NEXT : FIRST),
        ).length
        expect({ images: images.length, wrong }).toEqual({ images: COMPONENTS, wrong: 0 })
      }, PATIENCE)

      await unmount(urls)
      const after = await memory()
      // Blobs live outside the JS heap; what a thousand components left behind would show.
      expect(after.heap - baseline.heap).toBeLessThan(2 * 1024 * 1024)
      // Chromium still counts the last unmounted wall's nodes here (about two per component,
      // cause not found: neither a smaller wall nor the memory backend shows it). A second
      // wall must not add its own: nothing accumulates from one mount to the next.
      mountWall(
        [...current.values(), ...records.filter((r) => !current.has(r.id))],
        baseUrl,
        `load-again-${Date.now()}`,
      )
      await waitFor(() => expect(document.querySelectorAll('img[src]').length).toBe(COMPONENTS), PATIENCE)
      await unmount(urls)
      const again = await memory()
      expect(again.nodes - after.nodes).toBeLessThan(COMPONENTS / 10)
      expect(again.heap - baseline.heap).toBeLessThan(2 * 1024 * 1024)
      await expectNoSecretsAtRest([
        ...records.map((record) => ({ record, bytes: firstBytes })),
        ...updated.map((record) => ({ record, bytes: nextBytes })),
      ])
    } finally {
      urls.restore()
    }
  }, 400_000)
})
