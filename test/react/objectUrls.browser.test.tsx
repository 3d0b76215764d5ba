import { QueryClient } from '@tanstack/react-query'
import { render, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { PixstoreProvider, SecureImage, type ImageRecord } from '../../src'
import { pixstoreHarness, trackObjectUrls } from '../support/pixstoreHarness'
import { HANG } from '../support/hang'

function Grid({ records }: { records: ImageRecord[] }) {
  return (
    <div data-testid="grid">
      {records.map((record) => (
        <SecureImage key={record.id} record={record} alt={record.id} width={16} />
      ))}
    </div>
  )
}

// Polled often, so a cycle ends as soon as it can; given as long as every poll of the suite
// (vite.config.ts): the timeout only catches a hang.
const fast = { interval: 5, timeout: HANG }

// Sized by what the test must show, not by soak: a URL leaked by a mount or an unmount shows
// in the first cycle (every URL made must be revoked before the next), a grid of 20 mounts its
// images in one commit as a gallery does, and 10 cycles remount the same records through
// queries that left the cache each time, so a URL made by a late answer to an earlier cycle
// shows too. More images or cycles repeat the same steps and prove nothing more.
const IMAGES = 20
const CYCLES = 10

describe('object URLs', () => {
  it(`revokes every URL made while a ${IMAGES}-image grid mounts and unmounts ${CYCLES} times`, async () => {
    const h = pixstoreHarness()
    const records = await Promise.all(
      Array.from({ length: IMAGES }, async (_, i) => (await h.save(i + 1)).record),
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
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        rerender(
          <PixstoreProvider config={h.config} queryClient={client}>
            <Grid records={records} />
          </PixstoreProvider>,
        )
        await waitFor(() => {
          const shown = [...container.querySelectorAll('img')].filter((img) => img.src.startsWith('blob:'))
          expect(shown).toHaveLength(IMAGES)
        }, fast)
        mostLive = Math.max(mostLive, urls.live().length)
        rerender(<PixstoreProvider config={h.config} queryClient={client} />)
        // gcTime 0: the queries leave the cache and their URLs are revoked.
        await waitFor(() => expect(urls.live()).toHaveLength(0), fast)
      }
      expect(urls.created.size).toBeGreaterThanOrEqual(IMAGES * CYCLES)
      expect(mostLive).toBeLessThanOrEqual(IMAGES)
      expect(h.fetches).toHaveLength(IMAGES)

      rerender(
        <PixstoreProvider config={h.config} queryClient={client}>
          <Grid records={records} />
        </PixstoreProvider>,
      )
      await waitFor(() => expect(urls.live()).toHaveLength(IMAGES))
      unmount()
      // Unmounting the provider revokes what is still live.
      await waitFor(() => expect(urls.live()).toEqual([]))
      expect([...urls.created].every((url) => urls.revoked.has(url))).toBe(true)
    } finally {
      urls.restore()
    }
  })
})

describe('object URLs with the default gcTime', () => {
  const shownSrcs = (container: HTMLElement) =>
    [...container.querySelectorAll('img')].map((img) => img.getAttribute('src') ?? '')
  /** Waits until the four images of `container` are all decoded. */
  const allShown = (container: HTMLElement) =>
    waitFor(() => {
      const imgs = [...container.querySelectorAll('img')]
      expect(imgs.filter((img) => img.complete && img.naturalWidth > 0)).toHaveLength(4)
    }, fast)

  /** Four saved images, the object URLs made from now on, and a QueryClient with the default gcTime. */
  async function fourImages() {
    const h = pixstoreHarness()
    const records = await Promise.all(Array.from({ length: 4 }, async (_, i) => (await h.save(i + 1)).record))
    return { h, records, urls: trackObjectUrls(), client: new QueryClient() }
  }

  it('keeps a URL while its query stays cached: a remounted image shows it again, unrevoked', async () => {
    const { h, records, urls, client } = await fourImages()
    try {
      const view = (shown: boolean) => (
        <PixstoreProvider config={h.config} queryClient={client}>
          {shown && <Grid records={records} />}
        </PixstoreProvider>
      )
      const { rerender, container } = render(view(true))
      await allShown(container)
      const first = shownSrcs(container)
      rerender(view(false))
      rerender(view(true))
      await allShown(container)
      expect(shownSrcs(container)).toEqual(first)
      expect(first.filter((url) => urls.revoked.has(url))).toEqual([])
      expect(h.fetches).toHaveLength(4)
    } finally {
      urls.restore()
    }
  })

  it('revokes the URL a refetch replaces, so no decrypted image stays reachable', async () => {
    const { h, records, urls, client } = await fourImages()
    try {
      const { container } = render(
        <PixstoreProvider config={h.config} queryClient={client}>
          <Grid records={records} />
        </PixstoreProvider>,
      )
      await allShown(container)
      const first = shownSrcs(container)
      await client.refetchQueries()
      await waitFor(() => expect(shownSrcs(container).some((src) => first.includes(src))).toBe(false), fast)
      expect(first.filter((url) => !urls.revoked.has(url))).toEqual([])
      expect(urls.live()).toHaveLength(4)
    } finally {
      urls.restore()
    }
  })
})
