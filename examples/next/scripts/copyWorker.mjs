// Copies the kit's service worker into public/, so Next.js serves it from the app's own
// origin at /pixstore-sw.js (a worker controls only pages of its own origin and path).
import { copyFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
copyFileSync(require.resolve('pixstore-react/sw'), new URL('../public/pixstore-sw.js', import.meta.url))
