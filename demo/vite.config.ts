import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { pixstoreDevServer } from '../dev/pixstoreDevServer.ts'
import { pixstoreWorker } from '../src/vite/index.ts'

export default defineConfig({
  root: import.meta.dirname,
  plugins: [
    react(),
    // The worker built by `npm run build` (run by `prestart`).
    pixstoreWorker({ workerFile: resolve(import.meta.dirname, '../dist/pixstore-sw.js') }),
    pixstoreDevServer({ count: 24, proxy: true }),
  ],
  server: { host: '127.0.0.1', port: 5173 },
})
