import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'
import { pixstoreDevServer } from '../../dev/pixstoreDevServer.ts'

// A PWA whose own service worker (src/sw.ts) includes the kit's image route. The backend is
// the repository's demo one (the real pixstore 3 server, seeded with sample images); an app
// has its own API that returns the records. Built here from the repository (the kit's own
// dev dependencies); an app installs pixstore-react, vite-plugin-pwa, workbox-precaching and
// workbox-routing.
export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // src/main.tsx registers it (`virtual:pwa-register`).
      injectRegister: false,
      manifest: {
        name: 'pixstore-react PWA',
        short_name: 'pixstore',
        start_url: '/',
        display: 'standalone',
        icons: [],
      },
      injectManifest: { globPatterns: ['**/*.{js,css,html}'] },
    }),
    pixstoreDevServer({ count: 8, proxy: true }),
  ],
})
