// What re-renders when shared state changes: the provider hands its hooks two objects that
// never change, so a worker taking over or a logout elsewhere renders only what it changes.
import { QueryClient } from '@tanstack/react-query'
import { act, render, screen, waitFor } from '@testing-library/react'
import { Profiler } from 'react'
import { describe, expect, it } from 'vitest'
import {
  PixstoreClient,
  PixstoreProvider,
  SecureImage,
  usePixstore,
  useWorkerStatus,
  type ImageRecord,
} from '../../src'
import { imageQueryKey } from '../../src/client'
import { createMemoryBackend } from '../../src/testing'
import { fakeWorkerContainer } from '../support/fakeWorkerContainer'
import { makeImage } from '../support/images'

let counter = 0

describe('renders', () => {
  it('a worker taking over renders no image whose path is chosen, and a logout elsewhere renders no hook that reads the service', async () => {
    const backend = createMemoryBackend()
    const name = `renders-${Date.now()}-${counter++}`
    const { container, takeOver } = fakeWorkerContainer()
    const client = new PixstoreClient({
      config: { fetcher: backend.fetcher, cache: { dbName: name } },
      serviceWorker: { container, readyTimeout: 30 },
      channel: name,
    })
    const records: ImageRecord[] = []
    for (let i = 0; i < 3; i++)
      records.push(await backend.save(await makeImage(8, 8, 'image/png', i + 1), 'png'))
    const renders = new Map<string, number>()
    const count = (what: string) => renders.set(what, (renders.get(what) ?? 0) + 1)
    function ServiceReader() {
      usePixstore()
      count('service')
      return null
    }
    function StatusReader() {
      count(`status:${useWorkerStatus()}`)
      return null
    }
    // A Profiler hears every commit inside it: the image's own renders included.
    const Image = ({ record }: { record: ImageRecord }) => (
      <Profiler id={record.id} onRender={() => count(record.id)}>
        <SecureImage record={record} alt={record.id} />
      </Profiler>
    )
    render(
      <PixstoreProvider client={client} queryClient={new QueryClient()}>
        <ServiceReader />
        <StatusReader />
        {records.map((record) => (
          <Image key={record.id} record={record} />
        ))}
      </PixstoreProvider>,
    )
    // The worker did not take over in time: images use object URLs.
    await waitFor(() => expect(renders.has('status:failed')).toBe(true))
    // Every image shown and decoded: nothing is left to render by itself.
    for (const record of records) {
      await waitFor(() => {
        const img = screen.getByAltText(record.id) as HTMLImageElement
        expect(img.src).toMatch(/^blob:/)
        expect(img.hasAttribute('aria-busy')).toBe(false)
      })
    }
    const before = new Map(renders)
    act(() => takeOver())
    await waitFor(() => expect(renders.has('status:ready')).toBe(true))
    // Only the component that shows the status rendered.
    for (const record of records) expect(renders.get(record.id)).toBe(before.get(record.id))
    expect(renders.get('service')).toBe(before.get('service'))

    // A logout in another tab: every image is held (it changes), the service reader is not.
    const other = new PixstoreClient({
      config: { cache: { dbName: name } },
      serviceWorker: false,
      channel: name,
    })
    const stop = other.mount()
    const shown = renders.get('service')
    await act(() => other.clear())
    await waitFor(() => expect(client.getClearEpoch()).toBe(1))
    expect(renders.get('service')).toBe(shown)
    stop()
    await other.close()
    await client.close()
  })

  it('an image renders three times on its way to the screen: mounted, given its src, decoded', async () => {
    const backend = createMemoryBackend()
    const name = `renders-${Date.now()}-${counter++}`
    const client = new PixstoreClient({
      config: { fetcher: backend.fetcher, cache: { dbName: name } },
      serviceWorker: false,
      channel: name,
    })
    const records: ImageRecord[] = []
    for (let i = 0; i < 3; i++)
      records.push(await backend.save(await makeImage(8, 8, 'image/png', i + 20), 'png'))
    const renders = new Map<string, number>()
    render(
      <PixstoreProvider client={client} queryClient={new QueryClient()}>
        {records.map((record) => (
          <Profiler
            key={record.id}
            id={record.id}
            onRender={() => renders.set(record.id, (renders.get(record.id) ?? 0) + 1)}
          >
            <SecureImage record={record} alt={`three-${record.id}`} />
          </Profiler>
        ))}
      </PixstoreProvider>,
    )
    for (const record of records)
      await waitFor(() =>
        expect(screen.getByAltText(`three-${record.id}`).hasAttribute('aria-busy')).toBe(false),
      )
    expect([...renders.values()]).toEqual([3, 3, 3])
    await client.close()
  })

  it('leaves a client the app made open when it unmounts', async () => {
    const backend = createMemoryBackend()
    const record = await backend.save(await makeImage(8, 8, 'image/png', 9), 'png')
    const name = `renders-${Date.now()}-${counter++}`
    const client = new PixstoreClient({
      config: { fetcher: backend.fetcher, cache: { dbName: name } },
      serviceWorker: false,
      channel: name,
    })
    const queryClient = new QueryClient()
    const { unmount } = render(
      <PixstoreProvider client={client} queryClient={queryClient}>
        <SecureImage record={record} alt="given" />
      </PixstoreProvider>,
    )
    await waitFor(() => expect((screen.getByAltText('given') as HTMLImageElement).src).toMatch(/^blob:/))
    const url = (screen.getByAltText('given') as HTMLImageElement).src
    unmount()
    // A task later, when a provider closes what it made, the app's client and its image stay.
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(queryClient.getQueryCache().findAll({ queryKey: imageQueryKey(record) })).toHaveLength(1)
    expect((await fetch(url)).ok).toBe(true)
    await client.close()
    await expect(fetch(url)).rejects.toThrow()
  })
})
