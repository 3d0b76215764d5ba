/**
 * Leaves a database as pixstore 3's frontend does (IndexedDB version 1, store `images`,
 * keyed by id) with one entry, `old`, whose buffer stands for one that may hold a key.
 */
export function writeLegacyDatabase(factory: IDBFactory, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const open = factory.open(name, 1)
    open.onupgradeneeded = () => open.result.createObjectStore('images', { keyPath: 'id' })
    open.onsuccess = () => {
      const tx = open.result.transaction('images', 'readwrite')
      tx.objectStore('images').put({ id: 'old', token: 1, encrypted: new Uint8Array(100), lastUsed: 1 })
      tx.oncomplete = () => (open.result.close(), resolve())
      tx.onerror = () => reject(tx.error)
    }
    open.onerror = () => reject(open.error)
  })
}

/** An old tab's connection: version 1, and it never closes on `versionchange`. */
export function openOldConnection(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const open = factory.open(name, 1)
    open.onupgradeneeded = () => open.result.createObjectStore('images', { keyPath: 'id' })
    open.onsuccess = () => resolve(open.result)
    open.onerror = () => reject(open.error)
  })
}
