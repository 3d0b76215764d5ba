import { StrictMode, useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import {
  PixstoreProvider,
  SecureImage,
  useClearImageCache,
  useImageCacheStats,
  useWorkerStatus,
  type ImageRecord,
  type PixstoreConfig,
} from '../src/index.ts'
import type { RecordsResponse } from '../dev/pixstoreDevServer.ts'

const { backendUrl, records } = (await (await fetch('/api/records')).json()) as RecordsResponse

const config: PixstoreConfig = {
  endpoint: { baseUrl: backendUrl },
  refreshRecord: async (id) =>
    (await (await fetch(`/api/records/${encodeURIComponent(id)}`)).json()) as ImageRecord,
}

function Toolbar() {
  const stats = useImageCacheStats()
  const clear = useClearImageCache()
  const worker = useWorkerStatus()
  return (
    <p>
      Service worker: {worker} · Encrypted cache:{' '}
      {stats ? `${stats.entries} images, ${(stats.bytes / 1024).toFixed(0)} KiB` : '…'}{' '}
      <button onClick={() => void clear()}>Clear cache</button>
    </p>
  )
}

function Gallery() {
  const [shown, setShown] = useState(true)
  useEffect(() => document.body.setAttribute('data-ready', 'true'), [])
  return (
    <>
      <Toolbar />
      <button onClick={() => setShown((s) => !s)}>{shown ? 'Hide' : 'Show'} gallery</button>
      <div id="grid">
        {shown &&
          records.map((record) => (
            <SecureImage
              key={record.id}
              record={record}
              alt={`Sample ${record.id}`}
              placeholder={<span className="placeholder" />}
              fallback={(error) => <span className="error">{error.code}</span>}
            />
          ))}
      </div>
    </>
  )
}

createRoot(document.querySelector('#root')!).render(
  <StrictMode>
    <PixstoreProvider config={config}>
      <Gallery />
    </PixstoreProvider>
  </StrictMode>,
)
