import { QueryClient } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { type ImageFetcher, type ImageRecord, type PixstoreConfig } from '../../src/core'
import { createMemoryBackend, type MemoryBackendOptions } from '../../src/testing'
import { PixstoreProvider } from '../../src'
import { makeImage } from './images'

let counter = 0

/**
 * A memory backend with real encryption, a counting fetcher and a fresh database per
 * harness, plus a provider wrapper for testing-library.
 */
export function pixstoreHarness(options: MemoryBackendOptions & { config?: Partial<PixstoreConfig> } = {}) {
  const backend = createMemoryBackend(options)
  const fetches: string[] = []
  const signals: AbortSignal[] = []
  const fetcher: ImageFetcher = (record, context, signal) => {
    fetches.push(record.id)
    signals.push(signal)
    return backend.fetcher(record, context, signal)
  }
  const dbName = `react-test-${Date.now()}-${counter++}`
  const config: PixstoreConfig = { fetcher, cache: { dbName }, ...options.config }
  const queryClient = new QueryClient({ defaultOptions: { queries: { retryDelay: 0 } } })
  const wrapper = ({ children }: { children?: ReactNode }) => (
    <PixstoreProvider config={config} queryClient={queryClient} serviceWorker={false} channel={dbName}>
      {children}
    </PixstoreProvider>
  )
  const save = async (seed: number, size = 16): Promise<{ record: ImageRecord; bytes: Uint8Array }> => {
    const bytes = await makeImage(size, size, 'image/png', seed)
    return { record: await backend.save(bytes, 'png'), bytes }
  }
  return { backend, fetches, signals, config, queryClient, wrapper, save, dbName }
}

/** Wraps URL.createObjectURL/revokeObjectURL to see every URL made and revoked. */
export function trackObjectUrls() {
  const created = new Set<string>()
  const revoked = new Set<string>()
  const create = URL.createObjectURL.bind(URL)
  const revoke = URL.revokeObjectURL.bind(URL)
  URL.createObjectURL = (obj: Blob | MediaSource) => {
    const url = create(obj)
    created.add(url)
    return url
  }
  URL.revokeObjectURL = (url: string) => {
    revoked.add(url)
    revoke(url)
  }
  return {
    created,
    revoked,
    live: () => [...created].filter((url) => !revoked.has(url)),
    restore: () => {
      URL.createObjectURL = create
      URL.revokeObjectURL = revoke
    },
  }
}
