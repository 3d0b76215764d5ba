import { renderToString } from 'react-dom/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { PixstoreProvider, SecureImage, useImage, useImageCacheStats, type ImageRecord } from '../../src'

const record: ImageRecord = { id: 'a', token: 1, meta: { key: '', iv: '', tag: '' }, statelessProof: 'p' }

function Page() {
  const { status } = useImage(record)
  const stats = useImageCacheStats()
  return (
    <main>
      <SecureImage record={record} alt="Avatar" className="avatar" />
      <SecureImage record={record} alt="With placeholder" placeholder={<i>…</i>} />
      <p>{status}</p>
      <p>{stats?.entries ?? 'unknown'}</p>
    </main>
  )
}

afterEach(() => void vi.unstubAllGlobals())

describe('server rendering', () => {
  it('renders to a string with no window, no IndexedDB and no fetch', () => {
    expect(typeof window).toBe('undefined')
    // Present, as in a server runtime that has them, and watched: rendering must touch neither.
    const fetch = vi.fn()
    const touched: PropertyKey[] = []
    vi.stubGlobal('fetch', fetch)
    vi.stubGlobal(
      'indexedDB',
      new Proxy({}, { get: (_target, name) => (touched.push(name), () => undefined) }),
    )
    const html = renderToString(
      <PixstoreProvider config={{ endpoint: { baseUrl: 'https://api.example.com' } }}>
        <Page />
      </PixstoreProvider>,
    )
    expect(html).toContain('alt="Avatar"')
    expect(html).toContain('aria-busy="true"')
    expect(html).toContain('class="avatar"')
    expect(html).toContain('role="img"')
    expect(html).toContain('<p>pending</p>')
    expect(fetch).not.toHaveBeenCalled()
    expect(touched).toEqual([])
  })
})
