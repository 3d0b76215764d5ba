import { render, waitFor, within } from '@testing-library/react'
import { userEvent } from '@vitest/browser/context'
import { describe, expect, it } from 'vitest'
import { SecureImage, usePixstore } from '../../src'
import { PixstoreDevtools } from '../../src/devtools'
import { pixstoreHarness } from '../support/pixstoreHarness'

describe('PixstoreDevtools', () => {
  it('shows requests per source, hit rate, errors and the cache entries, and evicts and clears', async () => {
    const h = pixstoreHarness()
    const [{ record: first }, { record: second }] = await Promise.all([h.save(1), h.save(2)])
    let service: ReturnType<typeof usePixstore> | undefined
    function Service() {
      service = usePixstore()
      return null
    }
    const view = render(
      <>
        <Service />
        <SecureImage record={first} alt="first" />
        <SecureImage record={second} alt="second" />
        <SecureImage record={{ ...first, id: 'missing' }} alt="missing" />
        <PixstoreDevtools />
      </>,
      { wrapper: h.wrapper },
    )
    const page = within(view.container)
    // Closed at first: a toggle only.
    await userEvent.click(page.getByRole('button', { name: 'pixstore' }))
    const panel = within(page.getByRole('region', { name: 'pixstore devtools' }))
    await waitFor(() => expect(panel.getByTestId('requests')).toHaveTextContent('3'))
    expect(panel.getByTestId('hit-rate')).toHaveTextContent('0 %')
    expect(panel.getByTestId('worker-status')).toHaveTextContent('unsupported')
    expect(
      within(panel.getByRole('list', { name: 'recent errors' })).getByText(/not-found · missing/),
    ).toBeDefined()
    const entries = within(panel.getByRole('table', { name: 'cache entries' }))
    await waitFor(() => expect(entries.getAllByRole('button', { name: /^Evict / })).toHaveLength(2))
    // A second read of a cached image is a hit.
    await service!.getImage(first)
    await waitFor(() => expect(panel.getByTestId('hit-rate')).toHaveTextContent('33 %'))
    // One row per layer, named, with its answers: two from the network, then one from Dexie.
    const row = (source: string) =>
      [...panel.getByTestId(`source-${source}`).querySelectorAll('td')].map((cell) => cell.textContent)
    expect(row('network').slice(0, 2)).toEqual(['network', '2'])
    expect(row('dexie').slice(0, 2)).toEqual(['encrypted cache (Dexie)', '1'])
    expect(row('worker-memory').slice(0, 2)).toEqual(['worker memory', '0'])
    expect(row('cache-storage').slice(0, 2)).toEqual(['Cache Storage (worker)', '0'])
    expect(row('network')[2]).toMatch(/^\d+\.\d KiB$/)
    expect(row('network')[2]).not.toBe('0.0 KiB')
    await userEvent.click(entries.getByRole('button', { name: `Evict ${first.id}` }))
    await waitFor(() => expect(entries.getAllByRole('button', { name: /^Evict / })).toHaveLength(1))
    expect(await service!.cachedImageExists(first.id)).toBe(false)
    await userEvent.click(panel.getByRole('button', { name: 'Clear' }))
    await waitFor(() => expect(entries.queryAllByRole('button', { name: /^Evict / })).toHaveLength(0))
    expect(await service!.stats()).toEqual({ entries: 0, bytes: 0 })
    await userEvent.click(panel.getByRole('button', { name: 'Close' }))
    expect(page.queryByRole('region', { name: 'pixstore devtools' })).toBeNull()
    // Its waits are conditions; this only catches a hang (15 s was exceeded with both cores busy).
  })
})
