import type { NextConfig } from 'next'

const config: NextConfig = {
  // pixstore's backend keeps its state in module scope: one Node module, not one copy per route.
  serverExternalPackages: ['pixstore'],
}

export default config
