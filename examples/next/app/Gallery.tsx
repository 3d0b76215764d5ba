'use client'

import { SecureImage, useClearImageCache, type ImageRecord } from 'pixstore-react'
import { useEffect, useState } from 'react'

export function Gallery() {
  const [records, setRecords] = useState<ImageRecord[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const clear = useClearImageCache()

  useEffect(() => {
    const controller = new AbortController()
    fetch('/api/images', { cache: 'no-store', signal: controller.signal })
      .then((response) => {
        if (!response.ok) throw new Error(`Records answered ${response.status}`)
        return response.json() as Promise<ImageRecord[]>
      })
      .then(setRecords, (reason: unknown) => {
        if (!controller.signal.aborted) setError(String(reason))
      })
    return () => controller.abort()
  }, [])

  const logOut = async () => {
    await clear()
    setRecords([])
  }

  if (error) return <p role="alert">{error}</p>
  if (!records) return <p>Loading records…</p>
  return (
    <>
      <button onClick={logOut}>Log out</button>
      <div
        style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, 160px)', gap: 8, marginTop: 16 }}
      >
        {records.map((record) => (
          <SecureImage key={record.id} record={record} alt={`Image ${record.id}`} width={160} height={160} />
        ))}
      </div>
    </>
  )
}
