import { createImageService, isPixstoreError, type ImageRecord } from '../src/core/index.ts'
import type { RecordsResponse } from '../dev/pixstoreDevServer.ts'

const { backendUrl, records } = (await (await fetch('/api/records')).json()) as RecordsResponse
let requests = 0
const service = createImageService({
  endpoint: { baseUrl: backendUrl, fetch: (input, init) => (requests++, fetch(input, init)) },
  refreshRecord: async (id) =>
    (await (await fetch(`/api/records/${encodeURIComponent(id)}`)).json()) as ImageRecord,
})
const grid = document.querySelector<HTMLDivElement>('#grid')!
const stats = document.querySelector<HTMLSpanElement>('#stats')!
const urls: string[] = []

async function show(): Promise<void> {
  urls.splice(0).forEach((url) => URL.revokeObjectURL(url))
  grid.replaceChildren()
  const started = performance.now()
  await Promise.all(
    records.map(async (record) => {
      try {
        const url = URL.createObjectURL(await service.getImage(record))
        urls.push(url)
        const img = document.createElement('img')
        img.alt = record.id
        img.src = url
        grid.append(img)
      } catch (error) {
        const p = document.createElement('p')
        p.className = 'error'
        p.textContent = isPixstoreError(error) ? error.code : String(error)
        grid.append(p)
      }
    }),
  )
  const { entries, bytes } = await service.stats()
  stats.textContent = `${records.length} images in ${Math.round(performance.now() - started)} ms · ${requests} backend requests so far · cache: ${entries} entries, ${(bytes / 1024).toFixed(0)} KiB`
}

document.querySelector('#reload')!.addEventListener('click', () => void show())
document.querySelector('#clear')!.addEventListener('click', () => void service.clear().then(show))
await show()
