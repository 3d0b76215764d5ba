import MagicString from 'magic-string'
import type { Plugin } from 'vite'

/**
 * Puts `'use client'` at the top of every built file that holds one of `layers` (the React
 * layer and the devtools), so a
 * Next.js server component (a layout) can import `<PixstoreProvider>`. A bundler drops
 * module-level directives from sources, so it is added to the output; files without React
 * (`core`, `compat`, `testing`, `vite`) stay importable from server code.
 */
export function useClientDirective(layers: readonly string[]): Plugin {
  return {
    name: 'pixstore:use-client',
    renderChunk(code, chunk) {
      if (!chunk.moduleIds.some((id) => layers.some((layer) => id.includes(layer)))) return null
      const output = new MagicString(code).prepend("'use client';\n")
      return { code: output.toString(), map: output.generateMap({ hires: true }) }
    },
  }
}
