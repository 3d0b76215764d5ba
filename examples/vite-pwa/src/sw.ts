/// <reference lib="webworker" />
// The app's own service worker (vite-plugin-pwa, injectManifest): it precaches the app shell,
// answers navigations with it offline, and includes the kit's image route. Images it has
// answered before show offline: they are kept encrypted in Cache Storage and decrypted here.
import { PixstoreWorker, pixstoreRoute } from 'pixstore-react/worker'
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{ url: string; revision: string | null }>
}

const pixstore = new PixstoreWorker()
// First, so no other route (the navigation fallback below) can take an image URL.
registerRoute(...pixstoreRoute(pixstore))

precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()
// Every page of the app, online or not, from the precached shell; the API is left to the network.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/api\//] }))

self.addEventListener('install', () => void self.skipWaiting())
self.addEventListener('activate', (event) =>
  event.waitUntil(Promise.all([self.clients.claim(), pixstore.deleteOldCaches()])),
)
// The records the pages hand over, their logouts and the kit's PING.
self.addEventListener('message', (event) => pixstore.handleMessage(event))
