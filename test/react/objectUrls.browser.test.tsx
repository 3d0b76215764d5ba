import { QueryClient } from '@tanstack/react-query'
import { render, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { PixstoreProvider, SecureImage, type ImageRecord } from '../../src'
import { pixstoreHarness, trackObjectUrls } from '../support/pixstoreHarness'

function Grid({ records }: { records: ImageRecord[] }) {
  return (
    <div data-testid="grid">
      {records.map((record) => (
        <SecureImage key={record.id} record={record} alt={record.id} width={16} />
      ))}
    </div>
  )
}

// Polled often, so a round ends as soon as it can; given as long as every poll of the suite
// (vite.config.ts), since on a busy machine a round of 50 images can take seconds.
const fast = { interval: 5, timeout: 15_000 }

describe('object URLs', () => {
  it('revokes every URL made while a 50-image grid mounts and unmounts 200 times', async () => {
    const h = pixstoreHarness()
    const records = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => (await h.save(i + 1)).record),
    )
    const urls = trackObjectUrls()
    try {
      const client = new QueryClient({ defaultOptions: { queries: { gcTime: 0 } } })
      const { rerender, unmount, container } = render(
        <PixstoreProvider config={h.config} queryClient={client}>
          <Grid records={records} />
        </PixstoreProvider>,
      )
      let mostLive = 0
      for (let round = 0; round < 200; round++) {
        rerender(
          <PixstoreProvider config={h.config} queryClient={client}>
            <Grid records={records} />
          </PixstoreProvider>,
        )
        await waitFor(() => {
          const shown = [...container.querySelectorAll('img')].filter((img) => img.src.startsWith('blob:'))
          expect(shown).toHaveLength(50)
        }, fast)
        mostLive = Math.max(mostLive, urls.live().length)
        rerender(<PixstoreProvider config={h.config} queryClient={client} />)
        // gcTime 0: the queries leave the cache and their URLs are revoked.
        await waitFor(() => expect(urls.live()).toHaveLength(0), fast)
      }
      expect(urls.created.size).toBeGreaterThanOrEqual(50 * 200)
      expect(mostLive).toBeLessThanOrEqual(50)
      expect(h.fetches).toHaveLength(50)

      rerender(
        <PixstoreProvider config={h.config} queryClient={client}>
          <Grid records={records} />
        </PixstoreProvider>,
      )
      await waitFor(() => expect(urls.live()).toHaveLength(50))
      unmount()
      // Unmounting the provider revokes what is still live.
      await waitFor(() => expect(urls.live()).toEqual([]))
      expect([...urls.created].every((url) => urls.revoked.has(url))).toBe(true)
    } finally {
      urls.restore()
    }
  }, 120_000)
})
