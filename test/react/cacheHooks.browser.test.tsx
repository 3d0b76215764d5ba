import { QueryClient } from '@tanstack/react-query'
import { act, render, renderHook, screen, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { describe, expect, it } from 'vitest'
import {
  PixstoreProvider,
  SecureImage,
  useClearImageCache,
  useImage,
  useImageCacheStats,
  usePrefetchImages,
  type ImageRecord,
} from '../../src'
import { createImageService } from '../../src/core'
import { pixstoreHarness } from '../support/pixstoreHarness'

describe('useImageCacheStats', () => {
  it('updates live as images are cached, including writes from another connection', async () => {
    const h = pixstoreHarness()
    const a = await h.save(1)
    const b = await h.save(2)
    const { result } = renderHook(() => ({ stats: useImageCacheStats(), image: useImage(a.record) }), {
      wrapper: h.wrapper,
    })
    await waitFor(() => expect(result.current.stats).toEqual({ entries: 1, bytes: a.bytes.length + 1 }))
    // Another tab's service on the same database.
    const other = createImageService({ fetcher: h.backend.fetcher, cache: { dbName: h.dbName } })
    await other.getImage(b.record)
    await waitFor(() => expect(result.current.stats?.entries).toBe(2))
    await other.close()
  })
})

describe('usePrefetchImages', () => {
  it('fills the encrypted cache at idle time without rendering images', async () => {
    const h = pixstoreHarness()
    const records = await Promise.all([3, 4, 5].map(async (s) => (await h.save(s)).record))
    const { result } = renderHook(
      () => {
        usePrefetchImages(records)
        return useImageCacheStats()
      },
      { wrapper: h.wrapper },
    )
    await waitFor(() => expect(result.current?.entries).toBe(3))
    expect(h.fetches).toHaveLength(3)
  })
})

describe('useClearImageCache', () => {
  it('empties the cache, revokes object URLs and makes shown images refetch', async () => {
    const h = pixstoreHarness()
    const { record } = await h.save(6)
    let clear: () => Promise<void> = async () => undefined
    function Gallery({ record }: { record: ImageRecord }) {
      clear = useClearImageCache()
      const stats = useImageCacheStats()
      return (
        <>
          <SecureImage record={record} alt="Shown" />
          <output>{stats?.entries ?? '-'}</output>
        </>
      )
    }
    render(<Gallery record={record} />, { wrapper: h.wrapper })
    const img = (await screen.findByAltText('Shown')) as HTMLImageElement
    await waitFor(() => expect(img.getAttribute('src')).toMatch(/^blob:/))
    const before = img.getAttribute('src')!
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('1'))
    await act(() => clear())
    await expect(fetch(before)).rejects.toThrow()
    await waitFor(() => expect(h.fetches).toHaveLength(2))
    await waitFor(() => expect(img.getAttribute('src')).toMatch(/^blob:/))
    expect(img.getAttribute('src')).not.toBe(before)
  })

  it('reaches other tabs: they drop their object URLs at once and refetch only when next viewed', async () => {
    const h = pixstoreHarness()
    const { record } = await h.save(7)
    let clear: () => Promise<void> = async () => undefined
    function Logout() {
      clear = useClearImageCache()
      return null
    }
    // Two providers on one page stand for two tabs: each has its own bridge on the channel.
    const tab = (name: string, children?: ReactNode) => (
      <PixstoreProvider
        config={h.config}
        queryClient={new QueryClient()}
        serviceWorker={false}
        channel={h.dbName}
      >
        <SecureImage record={record} alt={name} />
        {children}
      </PixstoreProvider>
    )
    render(
      <>
        {tab('A', <Logout />)}
        {tab('B')}
      </>,
    )
    const other = (await screen.findByAltText('B')) as HTMLImageElement
    await waitFor(() => expect(other.getAttribute('src')).toMatch(/^blob:/))
    await waitFor(() => expect((screen.getByAltText('A') as HTMLImageElement).src).toMatch(/^blob:/))
    const shown = other.getAttribute('src')!
    const fetches = h.fetches.length
    await act(() => clear())
    await waitFor(() => expect(other.hasAttribute('src')).toBe(false))
    await expect(fetch(shown)).rejects.toThrow()
    expect(other.getAttribute('aria-busy')).toBe('true')
    // Tab A refetches what it shows; tab B waits.
    await waitFor(() => expect(h.fetches.length).toBe(fetches + 1))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(h.fetches.length).toBe(fetches + 1)
    expect(other.hasAttribute('src')).toBe(false)
    // The page is viewed again.
    act(() => void window.dispatchEvent(new Event('visibilitychange')))
    await waitFor(() => expect(other.getAttribute('src')).toMatch(/^blob:/))
    expect(other.getAttribute('src')).not.toBe(shown)
  })
})
