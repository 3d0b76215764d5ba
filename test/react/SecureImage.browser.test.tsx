import { render, screen, waitFor } from '@testing-library/react'
import { createRef, useState } from 'react'
import { describe, expect, it } from 'vitest'
import { SecureImage, type ImageRecord } from '../../src'
import { pixstoreHarness } from '../support/pixstoreHarness'
import { makeImage } from '../support/images'
import { UNTIL } from '../support/hang'

describe('<SecureImage>', () => {
  it('shows the placeholder with aria-busy, then the decoded image with every img prop', async () => {
    const h = pixstoreHarness({ latency: 60 })
    const { record } = await h.save(1, 24)
    const ref = createRef<HTMLImageElement>()
    const loads: number[] = []
    render(
      <SecureImage
        ref={ref}
        record={record}
        alt="Avatar"
        className="round"
        width={24}
        data-kind="avatar"
        loading="lazy"
        placeholder={<em>loading…</em>}
        onLoad={(event) => loads.push(event.currentTarget.naturalWidth)}
      />,
      { wrapper: h.wrapper },
    )
    const busy = screen.getByRole('img', { name: 'Avatar' })
    expect(busy.getAttribute('aria-busy')).toBe('true')
    expect(busy.textContent).toBe('loading…')
    await waitFor(() => expect(ref.current?.src).toMatch(/^blob:/))
    // Loading behind the placeholder: the img is hidden until decoded, then the placeholder goes.
    await waitFor(() => expect(screen.queryByText('loading…')).toBeNull())
    const img = screen.getByAltText('Avatar') as HTMLImageElement
    expect(img).toBe(ref.current)
    expect(img.hidden).toBe(false)
    expect(img.complete && img.naturalWidth).toBe(24)
    expect(img.className).toBe('round')
    expect(img.dataset.kind).toBe('avatar')
    expect(img.getAttribute('loading')).toBe('lazy')
    expect(img.hasAttribute('aria-busy')).toBe(false)
    // The app's own onLoad still hears the <img> load.
    expect(loads).toEqual([24])
  })

  it('renders an empty busy img without a placeholder', async () => {
    const h = pixstoreHarness({ latency: 50 })
    const { record } = await h.save(2)
    render(<SecureImage record={record} alt="Plain" />, { wrapper: h.wrapper })
    const img = screen.getByAltText('Plain')
    expect(img.getAttribute('aria-busy')).toBe('true')
    expect(img.hasAttribute('src')).toBe(false)
    await waitFor(() => expect(img.getAttribute('src')).toMatch(/^blob:/))
  })

  it('shows the fallback, with the error passed to a render prop', async () => {
    const h = pixstoreHarness()
    const { record } = await h.save(3)
    render(
      <>
        <SecureImage
          record={{ ...record, id: 'missing' }}
          alt="Gone"
          fallback={(error) => <span>broken: {error.code}</span>}
        />
        <SecureImage record={{ ...record, statelessProof: 'bad' }} alt="Denied" fallback={<b>denied</b>} />
      </>,
      { wrapper: h.wrapper },
    )
    expect(await screen.findByText('broken: not-found')).toBeDefined()
    expect(await screen.findByText('denied')).toBeDefined()
    expect(screen.queryByAltText('Gone')).toBeNull()
  })

  it('reports bytes the browser cannot decode as unsupported-format', async () => {
    const h = pixstoreHarness()
    const record = await h.backend.save(new Uint8Array([1, 2, 3, 4, 5]), 'png')
    const heard: string[] = []
    render(
      <SecureImage
        record={record}
        alt="Garbage"
        fallback={(e) => <span>{e.code}</span>}
        onError={(event) => heard.push(event.type)}
      />,
      { wrapper: h.wrapper },
    )
    expect(await screen.findByText('unsupported-format')).toBeDefined()
    // The app's own onError still hears the <img> fail.
    expect(heard).toEqual(['error'])
  })

  it('swaps to a new token only once it decoded, never showing a blank frame', async () => {
    const h = pixstoreHarness({ latency: 60 })
    const { record } = await h.save(4, 20)
    let setRecord: (r: ImageRecord) => void = () => undefined
    function Host() {
      const [current, set] = useState(record)
      setRecord = set
      return <SecureImage record={current} alt="Versioned" />
    }
    render(<Host />, { wrapper: h.wrapper })
    const img = (await screen.findByAltText('Versioned')) as HTMLImageElement
    await waitFor(() => expect(img.src).toMatch(/^blob:/))
    const first = img.src
    const next = await h.backend.update(record.id, await makeImage(30, 30, 'image/png', 99), 'png')
    const sources = new Set<string>()
    const observer = new MutationObserver(() => sources.add(img.getAttribute('src') ?? '(none)'))
    observer.observe(img, { attributes: true, attributeFilter: ['src'] })
    setRecord(next)
    await waitFor(() => expect(img.src).not.toBe(first))
    observer.disconnect()
    expect([...sources].every((src) => src.startsWith('blob:'))).toBe(true)
    await waitFor(() => expect(img.naturalWidth).toBe(30))
  })

  it('shows the placeholder for a null record and fetches nothing', async () => {
    const h = pixstoreHarness()
    const sentinel = (await h.save(9)).record
    render(
      <>
        <SecureImage record={null} alt="Nobody" placeholder="…" />
        <SecureImage record={sentinel} alt="Somebody" />
      </>,
      { wrapper: h.wrapper },
    )
    expect(screen.getByRole('img', { name: 'Nobody' }).getAttribute('aria-busy')).toBe('true')
    // Once the image mounted beside it is fetched, the null one had its turn.
    await waitFor(() => expect(h.fetches).toEqual([sentinel.id]))
    expect(screen.getByRole('img', { name: 'Nobody' }).getAttribute('aria-busy')).toBe('true')
  })
})

describe('<SecureImage> in a grid', () => {
  it('shows every one of 100 components for 10 records, with 10 fetches', async () => {
    const h = pixstoreHarness({ latency: 20 })
    const records = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => (await h.save(i + 1, 24)).record),
    )
    const { container } = render(
      <>
        {Array.from({ length: 100 }, (_, i) => (
          <SecureImage key={i} record={records[i % 10]} alt={`cell ${i}`} />
        ))}
      </>,
      { wrapper: h.wrapper },
    )
    await waitFor(() => {
      const shown = [...container.querySelectorAll('img')].filter(
        (img) => img.complete && img.naturalWidth === 24,
      )
      expect(shown).toHaveLength(100)
    }, UNTIL)
    expect(h.fetches).toHaveLength(10)
  })
})
