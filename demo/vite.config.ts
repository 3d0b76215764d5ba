import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { pixstoreDevServer } from '../dev/pixstoreDevServer.ts'

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), pixstoreDevServer({ count: 24 })],
  server: { host: '127.0.0.1', port: 5173 },
})
