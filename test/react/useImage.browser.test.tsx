import { QueryClient, useQueryErrorResetBoundary } from '@tanstack/react-query'
import { act, render, renderHook, screen, waitFor, within } from '@testing-library/react'
import { StrictMode, Suspense, Component, type ReactNode } from 'react'
import { describe, expect, it } from 'vitest'
import { PixstoreProvider, useImage, usePixstore, useSuspenseImage, type ImageRecord } from '../../src'
import { imageQueryKey } from '../../src/client'
import { PixstoreError, WireState } from '../../src/core'
import { encodeWirePayload } from '../../src/testing'
import { pixstoreHarness } from '../support/pixstoreHarness'

const bytesOf = async (blob: Blob | undefined) => new Uint8Array(await blob!.arrayBuffer())

describe('useImage', () => {
  it('goes from loading to success with an object URL of the decrypted bytes', async () => {
    const h = pixstoreHarness()
    const { record, bytes } = await h.save(1)
    const { result } = renderHook(() => useImage(record), { wrapper: h.wrapper })
    expect(result.current).toMatchObject({ status: 'pending', isLoading: true, url: undefined })
    await waitFor(() => expect(result.current.status).toBe('success'))
    expect(result.current.url).toMatch(/^blob:/)
    expect(await bytesOf(result.current.blob)).toEqual(bytes)
    expect(await (await fetch(result.current.url!)).arrayBuffer()).toEqual(bytes.buffer)
    expect(h.queryClient.getQueryData(imageQueryKey(record))).toBeDefined()
  })

  it('reports each error code as query state and retries only what can heal', async () => {
    const cases: Array<[string, WireState | 'garbage', number]> = [
      ['not-found', WireState.NotFound, 1],
      ['invalid-proof', WireState.InvalidProof, 1],
      ['missing-proof', WireState.MissingProof, 1],
      ['server-error', WireState.InternalError, 4],
      ['bad-payload', 'garbage', 1],
    ]
    for (const [code, state, attempts] of cases) {
      let calls = 0
      const h = pixstoreHarness({
        config: {
          fetcher: async () => {
            calls++
            return state === 'garbage' ? Uint8Array.of(99, 1) : encodeWirePayload({ state: state as 2 })
          },
        },
      })
      const { record } = await h.save(2)
      const { result } = renderHook(() => useImage(record), { wrapper: h.wrapper })
      await waitFor(() => expect(result.current.status).toBe('error'))
      expect(result.current.error).toMatchObject({ name: 'PixstoreError', code })
      expect(result.current.isError).toBe(true)
      expect(calls, code).toBe(attempts)
    }
  })

  it('reports decrypt-failed for a record whose key does not match', async () => {
    const h = pixstoreHarness()
    const { record } = await h.save(3)
    const other = (await h.save(4)).record
    const { result } = renderHook(() => useImage({ ...record, meta: other.meta }), { wrapper: h.wrapper })
    await waitFor(() => expect(result.current.status).toBe('error'))
    expect(result.current.error?.code).toBe('decrypt-failed')
    // Not a failure that heals: no retry.
    expect(h.fetches).toHaveLength(1)
  })

  it('keeps showing the previous image while a new token loads', async () => {
    const h = pixstoreHarness({ latency: 80 })
    const first = await h.save(5)
    const { result, rerender } = renderHook(({ record }: { record: ImageRecord }) => useImage(record), {
      wrapper: h.wrapper,
      initialProps: { record: first.record },
    })
    await waitFor(() => expect(result.current.status).toBe('success'))
    const oldUrl = result.current.url
    const next = await h.backend.update(first.record.id, new Uint8Array([1, 2, 3]), 'png')
    rerender({ record: next })
    expect(result.current.url).toBe(oldUrl)
    expect(result.current.isPlaceholderData).toBe(true)
    await waitFor(() => expect(result.current.isPlaceholderData).toBe(false))
    expect(result.current.url).not.toBe(oldUrl)
    expect(await bytesOf(result.current.blob)).toEqual(new Uint8Array([1, 2, 3]))
  })

  it('stays idle for a null record', async () => {
    const h = pixstoreHarness()
    const sentinel = (await h.save(9)).record
    // Mounted together with an image that loads: once that one is fetched, the null one had its turn.
    const { result } = renderHook(() => [useImage(null), useImage(sentinel)] as const, { wrapper: h.wrapper })
    await waitFor(() => expect(result.current[1].status).toBe('success'))
    expect(result.current[0]).toMatchObject({ status: 'pending', isLoading: false, url: undefined })
    expect(h.fetches).toEqual([sentinel.id])
  })

  it('aborts the fetch when the last component unmounts during it', async () => {
    const h = pixstoreHarness({ latency: 200 })
    const { record } = await h.save(6)
    const { unmount } = renderHook(() => useImage(record), { wrapper: h.wrapper })
    await waitFor(() => expect(h.signals).toHaveLength(1))
    unmount()
    await waitFor(() => expect(h.signals[0]!.aborted).toBe(true))
  })

  it('makes 5 fetches for 50 components showing 5 records, sharing one URL per record', async () => {
    const h = pixstoreHarness({ latency: 20 })
    const records = await Promise.all([10, 11, 12, 13, 14].map(async (seed) => (await h.save(seed)).record))
    const seen = new Map<string, Set<string>>()
    function Probe({ record }: { record: ImageRecord }) {
      const { url } = useImage(record)
      if (url) seen.set(record.id, (seen.get(record.id) ?? new Set()).add(url))
      return <i data-testid="probe" data-done={url ? 'yes' : 'no'} />
    }
    render(
      <>
        {Array.from({ length: 50 }, (_, i) => (
          <Probe key={i} record={records[i % 5]!} />
        ))}
      </>,
      { wrapper: h.wrapper },
    )
    await waitFor(() =>
      expect(screen.getAllByTestId('probe').every((p) => p.dataset.done === 'yes')).toBe(true),
    )
    expect(h.fetches).toHaveLength(5)
    expect([...seen.values()].map((urls) => urls.size)).toEqual([1, 1, 1, 1, 1])
  })

  it('uses a supplied QueryClient without changing its defaults', async () => {
    const h = pixstoreHarness()
    const { record } = await h.save(20)
    const client = new QueryClient({ defaultOptions: { queries: { gcTime: 1234, retry: 7 } } })
    const before = JSON.stringify(client.getDefaultOptions())
    const { result } = renderHook(() => useImage(record), {
      wrapper: ({ children }) => (
        <PixstoreProvider config={h.config} queryClient={client}>
          {children}
        </PixstoreProvider>
      ),
    })
    await waitFor(() => expect(result.current.status).toBe('success'))
    expect(client.getQueryData(imageQueryKey(record))).toMatchObject({ url: result.current.url })
    expect(client.getQueryCache().find({ queryKey: imageQueryKey(record) })?.gcTime).toBe(1234)
    expect(JSON.stringify(client.getDefaultOptions())).toBe(before)
  })

  it('works with its own QueryClient and in strict mode', async () => {
    const h = pixstoreHarness()
    const { record, bytes } = await h.save(21)
    const { result } = renderHook(() => useImage(record), {
      wrapper: ({ children }) => (
        <StrictMode>
          <PixstoreProvider config={h.config}>{children}</PixstoreProvider>
        </StrictMode>
      ),
    })
    await waitFor(() => expect(result.current.status).toBe('success'))
    expect(await bytesOf(result.current.blob)).toEqual(bytes)
    expect(h.fetches).toHaveLength(1)
    await act(() => new Promise((r) => setTimeout(r, 10)))
    expect(await (await fetch(result.current.url!)).arrayBuffer()).toEqual(bytes.buffer)
  })
})

describe('useSuspenseImage', () => {
  class Boundary extends Component<{ children: ReactNode }, { error?: Error }> {
    override state: { error?: Error } = {}
    static getDerivedStateFromError(error: Error) {
      return { error }
    }
    override render() {
      return this.state.error ? (
        <p>failed: {(this.state.error as { code?: string }).code}</p>
      ) : (
        this.props.children
      )
    }
  }
  function Show({ record }: { record: ImageRecord }) {
    const { url } = useSuspenseImage(record)
    return <img alt="suspended" src={url} />
  }

  it('suspends, then renders; errors reach the boundary', async () => {
    const h = pixstoreHarness({ latency: 30 })
    const { record } = await h.save(30)
    render(
      <Boundary>
        <Suspense fallback={<p>waiting</p>}>
          <Show record={record} />
        </Suspense>
      </Boundary>,
      { wrapper: h.wrapper },
    )
    expect(screen.getByText('waiting')).toBeDefined()
    expect(((await screen.findByAltText('suspended')) as HTMLImageElement).src).toMatch(/^blob:/)

    render(
      <Boundary>
        <Suspense fallback={<p>waiting</p>}>
          <Show record={{ ...record, id: 'nope' }} />
        </Suspense>
      </Boundary>,
      { wrapper: h.wrapper },
    )
    expect(await screen.findByText('failed: not-found')).toBeDefined()
  })

  it('after an error fetches again only when a QueryErrorResetBoundary resets, as useSuspenseQuery does', async () => {
    // The backend is down for the first request only.
    const calls: string[] = []
    const h: ReturnType<typeof pixstoreHarness> = pixstoreHarness({
      config: {
        fetcher: (record, context, signal) => {
          calls.push(record.id)
          if (calls.length === 1) return Promise.reject(new PixstoreError('not-found', 'Not there yet'))
          return h.backend.fetcher(record, context, signal)
        },
      },
    })
    const { record } = await h.save(31)
    function Reset({ children }: { children: ReactNode }) {
      const { reset } = useQueryErrorResetBoundary()
      return (
        <ResettingBoundary onReset={reset}>
          <Suspense fallback={<p>waiting</p>}>{children}</Suspense>
        </ResettingBoundary>
      )
    }
    const view = render(
      <Reset>
        <Show record={record} />
      </Reset>,
      { wrapper: h.wrapper },
    )
    const mine = within(view.container)
    const retry = await mine.findByRole('button', { name: 'retry' })
    // Shown again by the boundary without a reset, the failed query is not fetched again.
    expect(calls).toEqual([record.id])
    retry.click()
    expect(((await mine.findByAltText('suspended')) as HTMLImageElement).src).toMatch(/^blob:/)
    expect(calls).toEqual([record.id, record.id])
  })
})

/** An error boundary with a retry button that resets it and calls `onReset`. */
class ResettingBoundary extends Component<{ children: ReactNode; onReset: () => void }, { error?: Error }> {
  override state: { error?: Error } = {}
  static getDerivedStateFromError(error: Error) {
    return { error }
  }
  override render() {
    if (!this.state.error) return this.props.children
    const retry = () => (this.props.onReset(), this.setState({ error: undefined }))
    return <button onClick={retry}>retry</button>
  }
}

describe('usePixstore', () => {
  it('returns the service inside the provider and names the provider outside it', async () => {
    const h = pixstoreHarness()
    const { result } = renderHook(() => usePixstore(), { wrapper: h.wrapper })
    expect(typeof result.current.getImage).toBe('function')
    expect(() => renderHook(() => usePixstore())).toThrow('<PixstoreProvider>')
  })
})
