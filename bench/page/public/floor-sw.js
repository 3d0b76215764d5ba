// The floor of any worker path: a minimal CacheFirst worker (as Workbox's CacheFirst) over
// the unencrypted images. Every /floor/ request passes through this fetch handler: the
// server marks the images no-store, so neither the HTTP cache nor the page's memory cache
// answers for it.
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))
self.addEventListener('fetch', (event) => {
  const { pathname } = new URL(event.request.url)
  if (!pathname.startsWith('/floor/')) return
  event.respondWith(
    (async () => {
      const cache = await caches.open('floor')
      const hit = await cache.match(pathname)
      if (hit) return hit
      const response = await fetch(`${pathname.replace('/floor/', '/plain/')}?no-store`)
      event.waitUntil(cache.put(pathname, response.clone()))
      return response
    })(),
  )
})
