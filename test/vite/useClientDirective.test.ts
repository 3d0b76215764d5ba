import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const dist = resolve(import.meta.dirname, '../../dist')

// What a Next.js App Router build checks: a file with hooks or components must say
// 'use client' in its first line; the core must not, so server code can import it.
describe("the built files' 'use client' directive", () => {
  it('marks every built file that imports React, and no other', () => {
    expect(existsSync(join(dist, 'index.js')), 'run npm run build first').toBe(true)
    const files = readdirSync(dist).filter((name) => name.endsWith('.js') && name !== 'pixstore-sw.js')
    const react = files.filter((name) =>
      /from "react(-dom)?(\/[^"]*)?"/.test(readFileSync(join(dist, name), 'utf8')),
    )
    expect(react).toContain('index.js')
    for (const name of files) {
      const first = readFileSync(join(dist, name), 'utf8').split('\n', 1)[0]
      expect(/^["']use client["'];?$/.test(first!), name).toBe(react.includes(name))
    }
    expect(react).not.toContain('core.js')
  })
})
