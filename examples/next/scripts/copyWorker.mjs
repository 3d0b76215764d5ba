// Copies the kit's service worker into public/, so Next.js serves it from the app's own
// origin at /pixstore-sw.js (a worker controls only pages of its own origin and path).
import { copyFileSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const publicDir = new URL('../public/', import.meta.url)
mkdirSync(publicDir, { recursive: true })
copyFileSync(require.resolve('pixstore-react/sw'), new URL('pixstore-sw.js', publicDir))
