import { QueryClient } from '@tanstack/react-query'
import { act, render, renderHook, screen, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { describe, expect, it, vi } from 'vitest'
import {
  PixstoreProvider,
  SecureImage,
  useClearImageCache,
  useImage,
  useImageCacheStats,
  usePixstore,
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

describe('usePrefetchImages and a logout', () => {
  it('does not start after a logout that comes before its idle time, nor start again', async () => {
    const h = pixstoreHarness()
    const records = await Promise.all([10, 11, 12].map(async (s) => (await h.save(s)).record))
    const sentinel = (await h.save(13)).record
    let clear: () => Promise<void> = async () => undefined
    function Page({ extra }: { extra?: ImageRecord }) {
      clear = useClearImageCache()
      usePrefetchImages(records)
      return extra ? <SecureImage record={extra} alt="Sentinel" /> : null
    }
    const view = render(<Page />, { wrapper: h.wrapper })
    // The prefetch waits for idle time; the logout comes first.
    await act(() => clear())
    view.rerender(<Page extra={sentinel} />)
    await waitFor(() => expect(h.fetches).toContain(sentinel.id))
    expect(h.fetches).toEqual([sentinel.id])
  })
})

describe('usePrefetchImages and a logout in the same task', () => {
  it('starts nothing when its idle time comes in the task of the logout, before any render', async () => {
    const h = pixstoreHarness()
    const records = await Promise.all([14, 15].map(async (s) => (await h.save(s)).record))
    let idle: IdleRequestCallback | undefined
    const request = vi.spyOn(globalThis, 'requestIdleCallback').mockImplementation((callback) => {
      idle = callback
      return 1
    })
    const cancel = vi.spyOn(globalThis, 'cancelIdleCallback').mockImplementation(() => undefined)
    // Whether each prefetch the hook starts was already stopped when it started.
    const stoppedAtStart: boolean[] = []
    let clear: () => Promise<void> = async () => undefined
    function Page() {
      clear = useClearImageCache()
      const service = usePixstore()
      const prefetch = service.prefetch
      if (!vi.isMockFunction(prefetch))
        vi.spyOn(service, 'prefetch').mockImplementation((list, options) => {
          stoppedAtStart.push(options?.signal?.aborted ?? false)
          return prefetch.call(service, list, options)
        })
      usePrefetchImages(records)
      return null
    }
    render(<Page />, { wrapper: h.wrapper })
    await waitFor(() => expect(idle).toBeDefined())
    // The logout and the idle callback in one task: React renders only after it.
    const cleared = clear()
    idle!({ didTimeout: false, timeRemaining: () => 50 })
    await act(() => cleared)
    expect(stoppedAtStart).toEqual([true])
    expect(h.fetches).toEqual([])
    request.mockRestore()
    cancel.mockRestore()
  })
})

describe('useClearImageCache', () => {
  it('empties the cache and revokes object URLs; a shown image holds its placeholder until asked', async () => {
    const h = pixstoreHarness()
    const { record } = await h.save(6)
    const sentinel = (await h.save(8)).record
    let clear: () => Promise<void> = async () => undefined
    let refetch: () => Promise<unknown> = async () => undefined
    function Gallery({ extra }: { extra?: ImageRecord }) {
      clear = useClearImageCache()
      const image = useImage(record)
      refetch = image.refetch
      const stats = useImageCacheStats()
      return (
        <>
          <SecureImage record={record} alt="Shown" placeholder={<i>wait</i>} />
          {extra && <SecureImage record={extra} alt="Sentinel" />}
          <output>{stats?.entries ?? '-'}</output>
          <p data-testid="hook">{image.url ?? 'none'}</p>
        </>
      )
    }
    const view = render(<Gallery />, { wrapper: h.wrapper })
    const img = (await screen.findByAltText('Shown')) as HTMLImageElement
    await waitFor(() => expect(img.getAttribute('src')).toMatch(/^blob:/))
    const before = img.getAttribute('src')!
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('1'))
    await act(() => clear())
    await expect(fetch(before)).rejects.toThrow()
    await waitFor(() => expect(screen.getByText('wait')).toBeTruthy())
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('0'))
    // A new image mounted after the clear is fetched; nothing before it was.
    view.rerender(<Gallery extra={sentinel} />)
    await waitFor(() => expect(h.fetches).toEqual([record.id, sentinel.id]))
    expect(screen.queryByAltText('Shown')).toBeNull()
    expect(screen.getByText('wait')).toBeTruthy()
    expect(screen.getByTestId('hook').textContent).toBe('none')
    // Asked to (the hook's refetch): that hook loads the image again; the component that was
    // not asked still holds.
    await act(() => refetch())
    await waitFor(() => expect(h.fetches).toEqual([record.id, sentinel.id, record.id]))
    await waitFor(() => expect(screen.getByTestId('hook').textContent).toMatch(/^blob:/))
    expect(screen.getByTestId('hook').textContent).not.toBe(before)
    expect(screen.getByText('wait')).toBeTruthy()
  })

  it('reaches other tabs: they drop their object URLs at once and fetch nothing until remounted', async () => {
    const h = pixstoreHarness()
    const { record } = await h.save(7)
    const sentinel = (await h.save(9)).record
    let clear: () => Promise<void> = async () => undefined
    function Logout() {
      clear = useClearImageCache()
      return null
    }
    // Two providers on one page stand for two tabs: each has its own bridge on the channel.
    const tab = (name: string, children?: ReactNode, key = name) => (
      <PixstoreProvider
        config={h.config}
        queryClient={new QueryClient()}
        serviceWorker={false}
        channel={h.dbName}
      >
        <SecureImage key={key} record={record} alt={name} />
        {children}
      </PixstoreProvider>
    )
    const tabs = (children?: ReactNode, keyB = 'B') => (
      <>
        {tab('A', <Logout />)}
        {tab('B', children, keyB)}
      </>
    )
    const view = render(tabs())
    const other = (await screen.findByAltText('B')) as HTMLImageElement
    await waitFor(() => expect(other.getAttribute('src')).toMatch(/^blob:/))
    await waitFor(() => expect((screen.getByAltText('A') as HTMLImageElement).src).toMatch(/^blob:/))
    const shown = other.getAttribute('src')!
    await act(() => clear())
    await waitFor(() => expect(other.hasAttribute('src')).toBe(false))
    await expect(fetch(shown)).rejects.toThrow()
    expect(other.getAttribute('aria-busy')).toBe('true')
    // The page is viewed again: still nothing. A sentinel mounted after the clear in tab B is
    // the first fetch since it.
    const fetches = h.fetches.length
    act(() => void window.dispatchEvent(new Event('visibilitychange')))
    view.rerender(tabs(<SecureImage record={sentinel} alt="Sentinel" />))
    await waitFor(() => expect(h.fetches.slice(fetches)).toEqual([sentinel.id]))
    expect(other.hasAttribute('src')).toBe(false)
    expect((screen.getByAltText('A') as HTMLImageElement).hasAttribute('src')).toBe(false)
    // Remounted, the image loads again.
    view.rerender(tabs(null, 'B again'))
    const remounted = (await screen.findByAltText('B')) as HTMLImageElement
    await waitFor(() => expect(remounted.getAttribute('src')).toMatch(/^blob:/))
    expect(remounted.getAttribute('src')).not.toBe(shown)
  })
})
