import { describe, expect, it, vi } from 'vitest'
import { PixstoreClient } from '../../src'

let counter = 0

describe('PixstoreClient in a page', () => {
  it('lands waiting cache writes when the page is left or hidden, while mounted', async () => {
    const client = new PixstoreClient({
      config: { cache: { dbName: `client-page-${Date.now()}-${counter++}` } },
      serviceWorker: false,
    })
    const flush = vi.spyOn(client.service, 'flush')
    const stop = client.mount()
    dispatchEvent(new PageTransitionEvent('pagehide'))
    expect(flush).toHaveBeenCalledTimes(1)
    const hidden = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden')
    document.dispatchEvent(new Event('visibilitychange'))
    expect(flush).toHaveBeenCalledTimes(2)
    hidden.mockReturnValue('visible')
    document.dispatchEvent(new Event('visibilitychange'))
    expect(flush).toHaveBeenCalledTimes(2)
    stop()
    dispatchEvent(new PageTransitionEvent('pagehide'))
    expect(flush).toHaveBeenCalledTimes(2)
    hidden.mockRestore()
    await client.close()
  })
})
