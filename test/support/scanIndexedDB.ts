/**
 * Every byte reachable from every value of every store of every database, read with the
 * raw IndexedDB API. Typed arrays contribute their whole underlying buffer, so bytes that
 * sit outside a view but were serialised with it are found too.
 */
export async function indexedDBBytes(only: (name: string) => boolean = () => true): Promise<Uint8Array[]> {
  const found: Uint8Array[] = []
  const visit = (value: unknown, seen: Set<unknown>) => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return
    seen.add(value)
    if (ArrayBuffer.isView(value)) found.push(new Uint8Array(value.buffer))
    else if (value instanceof ArrayBuffer) found.push(new Uint8Array(value))
    else for (const child of Object.values(value)) visit(child, seen)
  }
  for (const info of await indexedDB.databases()) {
    if (!only(info.name!)) continue
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(info.name!)
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })
    for (const name of db.objectStoreNames) {
      const values = await new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(name).objectStore(name).getAll()
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error)
      })
      values.forEach((value) => visit(value, new Set()))
    }
    db.close()
  }
  return found
}
