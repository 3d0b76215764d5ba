import { StrictMode, useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import {
  PixstoreProvider,
  SecureImage,
  useClearImageCache,
  useWorkerStatus,
  type ImageRecord,
} from 'pixstore-react'
import { registerSW } from 'virtual:pwa-register'

// The app registers its own worker; the kit uses it (`register: false`) once it answers.
registerSW({ immediate: true })

const RECORDS_KEY = 'records'

/**
 * The records come from the app's API; offline, the app shows the last list it had (an app
 * would keep it where it keeps its other data). Records hold keys: this demo keeps them in
 * memory and in sessionStorage only, which a logout empties.
 */
async function loadRecords(): Promise<ImageRecord[]> {
  try {
    const response = await fetch('/api/records')
    const { records } = (await response.json()) as { records: ImageRecord[] }
    sessionStorage.setItem(RECORDS_KEY, JSON.stringify(records))
    return records
  } catch {
    return JSON.parse(sessionStorage.getItem(RECORDS_KEY) ?? '[]') as ImageRecord[]
  }
}

function Gallery() {
  const [records, setRecords] = useState<ImageRecord[]>()
  const clear = useClearImageCache()
  const status = useWorkerStatus()
  useEffect(() => void loadRecords().then(setRecords), [])
  const logout = async () => {
    await clear()
    sessionStorage.removeItem(RECORDS_KEY)
    setRecords([])
  }
  return (
    <main data-status={status}>
      <button onClick={() => void logout()}>Log out</button>
      <p>images via {status === 'ready' ? 'the service worker' : 'object URLs'}</p>
      {records?.map((record) => (
        <SecureImage key={record.id} record={record} alt={record.id} width={128} height={128} />
      ))}
    </main>
  )
}

createRoot(document.querySelector('#root')!).render(
  <StrictMode>
    <PixstoreProvider serviceWorker={{ register: false }}>
      <Gallery />
    </PixstoreProvider>
  </StrictMode>,
)
