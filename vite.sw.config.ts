import { resolve } from 'node:path'
import { defineConfig } from 'vite'

// The service worker is its own classic-script bundle: dist/pixstore-sw.js.
export default defineConfig({
  build: {
    target: 'es2022',
    emptyOutDir: false,
    sourcemap: true,
    minify: true,
    lib: {
      entry: resolve(import.meta.dirname, 'src/worker/script.ts'),
      formats: ['iife'],
      name: 'pixstoreServiceWorker',
      fileName: () => 'pixstore-sw.js',
    },
  },
})
