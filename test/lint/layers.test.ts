// The layer rule of eslint.config.js refuses what crosses a layer the wrong way.
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname })

/** The no-restricted-imports messages for `source` linted as if it were the file `path`. */
async function refusals(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = imported\n`, { filePath: path })
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

describe('the layers of src/', () => {
  it.each([
    ['src/core/x.ts', "import imported from 'react'", 'src/core never imports React'],
    ['src/core/x.ts', "import { imported } from '../protocol/index.js'", 'src/core imports no other layer'],
    [
      'src/protocol/x.ts',
      "import { imported } from '../worker/index.js'",
      'src/protocol may import core only',
    ],
    // Neither runtime imports the other's code.
    [
      'src/worker/x.ts',
      "import { imported } from '../window/index.js'",
      'src/worker may import core, protocol only',
    ],
    [
      'src/window/x.ts',
      "import { imported } from '../worker/index.js'",
      'src/window may import core, protocol only',
    ],
    ['src/worker/x.ts', "import { imported } from 'react-dom/client'", 'src/worker never imports React'],
    ['src/window/x.ts', "import imported from 'react'", 'src/window never imports React'],
    ['src/client/x.ts', "import { imported } from '../window/WorkerBridge.js'", 'through its index only'],
    ['src/vite/x.ts', "import { imported } from '../protocol/messages.js'", 'through its index only'],
    ['src/client/x.ts', "import { imported } from '@tanstack/react-query'", 'src/client never imports React'],
    ['src/testing/x.ts', "import { imported } from '../react/index.js'", 'may import core only'],
    // The core's internals are for the layers under the React one.
    ['src/react/x.ts', "import { imported } from '../core/internal.js'", 'through its index only'],
    ['src/compat/x.ts', "import { imported } from '../core/internal.js'", 'through its index only'],
    ['src/client/x.ts', "import { imported } from '../window/internal.js'", 'through its index only'],
    [
      'src/devtools/x.ts',
      "import { imported } from '../core/index.js'",
      'src/devtools may import react only',
    ],
  ])('%s: %s is refused', async (path, source, message) => {
    expect((await refusals(path, source)).join('\n')).toContain(message)
  })

  it.each([
    ['src/client/x.ts', "import { imported } from '../window/index.js'"],
    ['src/worker/x.ts', "import { imported } from '../protocol/index.js'"],
    ['src/window/x.ts', "import { imported } from '../protocol/index.js'"],
    ['src/client/x.ts', "import { imported } from '../core/internal.js'"],
    ['src/react/x.ts', "import imported from 'react'"],
    ['src/vite/x.ts', "import { imported } from '../protocol/index.js'"],
    ['src/devtools/x.ts', "import { imported } from '../react/index.js'"],
  ])('%s: %s is allowed', async (path, source) => {
    expect(await refusals(path, source)).toEqual([])
  })
})
