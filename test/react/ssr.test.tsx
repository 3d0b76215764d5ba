import { renderToString } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
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

describe('server rendering', () => {
  it('renders to a string with no window, no IndexedDB and no fetch', () => {
    expect(typeof window).toBe('undefined')
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
  })
})
