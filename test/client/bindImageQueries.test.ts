import { QueryClient } from '@tanstack/query-core'
import { describe, expect, it, vi } from 'vitest'
import { PixstoreClient } from '../../src'
import { bindImageQueries } from '../../src/client/bindImageQueries'
import { imageQueryKey } from '../../src/client/ImageQuery'
import { testDatabase } from '../support/testDatabase'
import { UNTIL } from '../support/hang'

let counter = 0

async function setUp() {
  const { db } = await testDatabase()
  const channel = `bind-${Date.now()}-${counter++}`
  const client = new PixstoreClient({ config: { cache: { database: db } }, serviceWorker: false, channel })
  const queryClient = new QueryClient()
  const revoked = vi.spyOn(client.urls, 'revoke')
  return { client, queryClient, revoked, stopMount: client.mount() }
}

const imageKey = imageQueryKey({ id: 'x', token: 1 })

describe('bindImageQueries', () => {
  it("revokes an image query's object URL when the query leaves the cache, and no other query's", async () => {
    const { client, queryClient, revoked, stopMount } = await setUp()
    const unbind = bindImageQueries(client, queryClient)
    queryClient.setQueryData(imageKey, 'image')
    queryClient.setQueryData(['pixstore', 'records'], 'other')
    queryClient.setQueryData(['app', 'image'], 'other')
    const hash = queryClient.getQueryCache().find({ queryKey: imageKey })!.queryHash
    queryClient.removeQueries({ queryKey: ['pixstore', 'records'] })
    queryClient.removeQueries({ queryKey: ['app', 'image'] })
    expect(revoked).not.toHaveBeenCalled()
    queryClient.removeQueries({ queryKey: imageKey })
    expect(revoked.mock.calls).toEqual([[hash]])
    unbind()
    stopMount()
  })

  it('empties every image query on a clear, without a refetch, and leaves the app’s queries', async () => {
    const { client, queryClient, stopMount } = await setUp()
    const unbind = bindImageQueries(client, queryClient)
    const fetched = vi.fn(async () => 'image')
    await queryClient.fetchQuery({ queryKey: imageKey, queryFn: fetched })
    queryClient.setQueryData(['app'], 'kept')
    await client.clear()
    const image = queryClient.getQueryCache().find({ queryKey: imageKey })!
    expect(image.state.data).toBeUndefined()
    expect(image.state.status).toBe('pending')
    expect(fetched).toHaveBeenCalledTimes(1)
    expect(queryClient.getQueryData(['app'])).toBe('kept')
    unbind()
    stopMount()
  })

  it("cancels an image query in flight on a clear, and none of the app's", async () => {
    const { client, queryClient, stopMount } = await setUp()
    const unbind = bindImageQueries(client, queryClient)
    let signal: AbortSignal | undefined
    let appSignal: AbortSignal | undefined
    void queryClient.fetchQuery({
      queryKey: ['app'],
      queryFn: (context) => new Promise<string>(() => void (appSignal = context.signal)),
    })
    const inFlight = queryClient
      .fetchQuery({
        queryKey: imageKey,
        queryFn: (context) =>
          new Promise<string>((_, reject) => {
            signal = context.signal
            context.signal.addEventListener('abort', () => reject(new Error('aborted')))
          }),
      })
      .catch((error: unknown) => error)
    await vi.waitFor(() => expect(signal && appSignal).toBeDefined(), UNTIL)
    await client.clear()
    expect(signal!.aborted).toBe(true)
    expect(appSignal!.aborted).toBe(false)
    await inFlight
    unbind()
    stopMount()
  })

  it('does nothing once untied', async () => {
    const { client, queryClient, revoked, stopMount } = await setUp()
    bindImageQueries(client, queryClient)()
    queryClient.setQueryData(imageKey, 'image')
    await client.clear()
    expect(queryClient.getQueryData(imageKey)).toBe('image')
    queryClient.removeQueries({ queryKey: imageKey })
    expect(revoked).not.toHaveBeenCalled()
    stopMount()
  })
})
