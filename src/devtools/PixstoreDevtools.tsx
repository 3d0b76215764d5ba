import { useLiveQuery } from 'dexie-react-hooks'
import { useState, useSyncExternalStore, type CSSProperties } from 'react'
import { useClearImageCache, usePixstore, useWorkerStatus } from '../react/index.js'

/** Props of `<PixstoreDevtools>`. */
export interface PixstoreDevtoolsProps {
  /** Whether the panel starts open. @default false */
  initialIsOpen?: boolean
  /** Corner of the toggle and the panel. @default 'bottom-right' */
  position?: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left'
  /** Cache entries listed, most recently used first. @default 50 */
  limit?: number
}

type Source = keyof ReturnType<ReturnType<typeof usePixstore>['metrics']>['sources']

/** Every layer that answers, nearest to the screen first; the type keeps the list complete. */
const SOURCE_NAMES: Record<Source, string> = {
  'worker-memory': 'worker memory',
  'cache-storage': 'Cache Storage (worker)',
  dexie: 'encrypted cache (Dexie)',
  network: 'network',
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
const percent = (share: number) => `${Math.round(share * 100)} %`
const average = (totalMs: number, count: number) => (count ? `${(totalMs / count).toFixed(0)} ms` : '–')

/** A table's header row: the first column left, the numbers after it right. */
function Head({ columns }: { columns: string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column, i) => (
          <th key={i} align={i === 0 ? 'left' : 'right'}>
            {column}
          </th>
        ))}
      </tr>
    </thead>
  )
}

/**
 * A floating panel over the provider's image cache, in the spirit of `ReactQueryDevtools`:
 * worker status, requests and hit rate per source, recent errors, and the cache entries
 * (id, token, bytes, last used) with a button to evict one and one to clear. Ids, sizes and
 * codes only: no key and no image bytes. Import it from `pixstore-react/devtools`, so
 * production bundles that leave it out carry none of it.
 */
export function PixstoreDevtools({
  initialIsOpen = false,
  position = 'bottom-right',
  limit = 50,
}: PixstoreDevtoolsProps) {
  const [open, setOpen] = useState(initialIsOpen)
  const service = usePixstore()
  const worker = useWorkerStatus()
  const clear = useClearImageCache()
  const metrics = useSyncExternalStore(service.subscribeMetrics, service.metrics, service.metrics)
  const entries = useLiveQuery(() => (open ? service.liveEntries(limit) : []), [service, limit, open])
  const [vertical, horizontal] = position.split('-') as ['top' | 'bottom', 'left' | 'right']
  const corner: CSSProperties = { position: 'fixed', [vertical]: 12, [horizontal]: 12, zIndex: 99999 }
  if (!open)
    return (
      <button type="button" style={{ ...corner, font: '12px system-ui' }} onClick={() => setOpen(true)}>
        pixstore
      </button>
    )
  return (
    <section
      aria-label="pixstore devtools"
      style={{
        ...corner,
        width: 420,
        maxHeight: '60vh',
        overflow: 'auto',
        background: '#fff',
        color: '#111',
        border: '1px solid #ccc',
        borderRadius: 6,
        padding: 10,
        font: '12px system-ui',
        boxShadow: '0 4px 16px rgba(0,0,0,.2)',
      }}
    >
      <header style={{ display: 'flex', justifyContent: 'space-between', marginBottom: 6 }}>
        <strong>pixstore</strong>
        <span>
          worker: <span data-testid="worker-status">{worker}</span>{' '}
          <button type="button" onClick={() => void clear()}>
            Clear
          </button>{' '}
          <button type="button" aria-label="Close" onClick={() => setOpen(false)}>
            ×
          </button>
        </span>
      </header>
      <table style={{ width: '100%' }}>
        <Head columns={['source', 'answers', 'bytes', 'avg time']} />
        <tbody>
          {(Object.keys(SOURCE_NAMES) as Source[]).map((source) => {
            const { count, bytes, totalMs } = metrics.sources[source]
            return (
              <tr key={source} data-testid={`source-${source}`}>
                <td>{SOURCE_NAMES[source]}</td>
                <td align="right">{count}</td>
                <td align="right">{kib(bytes)}</td>
                <td align="right">{average(totalMs, count)}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <p>
        requests <span data-testid="requests">{metrics.requests}</span>, hit rate{' '}
        <span data-testid="hit-rate">{percent(metrics.hitRate)}</span>
      </p>
      {metrics.errors.length > 0 && (
        <ul aria-label="recent errors">
          {metrics.errors.map((error, i) => (
            <li key={i}>
              {error.code} · {error.id} · {new Date(error.at).toLocaleTimeString()}
            </li>
          ))}
        </ul>
      )}
      <table aria-label="cache entries" style={{ width: '100%' }}>
        <Head columns={['id', 'token', 'bytes', 'last used', '']} />
        <tbody>
          {entries?.map((entry) => (
            <tr key={entry.id}>
              <td>{entry.id}</td>
              <td align="right">{entry.token}</td>
              <td align="right">{kib(entry.bytes)}</td>
              <td align="right">{new Date(entry.lastUsed).toLocaleTimeString()}</td>
              <td>
                <button type="button" onClick={() => void service.deleteCachedImage(entry.id)}>
                  Evict {entry.id}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
