import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ts from 'typescript'
import { expect, it } from 'vitest'

// Every ts/tsx block of the README and docs/, type-checked under strict as a module of its own,
// importing `pixstore-react` the way an app does: through the package's exports map, to the
// built declarations (`npm test` builds before it tests). A block fenced `ts worker` is a
// service worker's code: it is checked with the WebWorker library instead of the DOM.
const root = resolve(import.meta.dirname, '../..')
const pages = ['README.md', ...readdirSync(join(root, 'docs')).map((name) => `docs/${name}`)].filter((page) =>
  page.endsWith('.md'),
)

interface Block {
  page: string
  line: number
  lang: 'ts' | 'tsx'
  /** Code of a service worker (fenced `ts worker`). */
  worker: boolean
  code: string
}

function blocksOf(page: string): Block[] {
  const lines = readFileSync(join(root, page), 'utf8').split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|tsx)( worker)?\s*$/.exec(lines[i]!)
    if (!open) continue
    const end = lines.indexOf('```', i + 1)
    blocks.push({
      page,
      line: i + 2,
      lang: open[1] as Block['lang'],
      worker: open[2] !== undefined,
      code: lines.slice(i + 1, end).join('\n'),
    })
    i = end
  }
  return blocks
}

const blocks = pages.flatMap(blocksOf)

it('finds the blocks: the README quick start and the API reference among them', () => {
  expect(blocks.filter((block) => block.page === 'README.md').length).toBeGreaterThanOrEqual(2)
  expect(blocks.filter((block) => block.page === 'docs/api.md').length).toBeGreaterThanOrEqual(10)
  expect(blocks.filter((block) => block.worker).length).toBeGreaterThanOrEqual(3)
})

/** The type errors of `blocks`, each checked as a module of its own with `lib`. */
function problemsOf(blocks: Block[], lib: string[]): string[] {
  const files = new Map(
    blocks.map((block, index) => [
      join(root, '.docs-blocks', `${block.page.replace(/\W/g, '_')}_${block.line}_${index}.${block.lang}`),
      block,
    ]),
  )
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.ReactJSX,
    lib,
    types: ['node'],
    skipLibCheck: true,
    isolatedModules: true,
    // Each block is a module of its own even when it only declares.
    moduleDetection: ts.ModuleDetectionKind.Force,
  }
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (name, version) => {
    const block = files.get(name)
    return block ? ts.createSourceFile(name, block.code, version) : getSourceFile(name, version)
  }
  const fileExists = host.fileExists.bind(host)
  host.fileExists = (name) => files.has(name) || fileExists(name)
  const program = ts.createProgram([...files.keys()], options, host)
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
    const block = diagnostic.file && files.get(diagnostic.file.fileName)
    if (!block || diagnostic.start === undefined) return message
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start)
    return `${block.page}:${block.line + line}: ${message}`
  })
}

it('type-checks every ts and tsx block of the README and docs/ under strict', () => {
  const [pageBlocks, workerBlocks] = [blocks.filter((b) => !b.worker), blocks.filter((b) => b.worker)]
  expect(problemsOf(pageBlocks, ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'])).toEqual([])
  expect(problemsOf(workerBlocks, ['lib.es2023.d.ts', 'lib.webworker.d.ts'])).toEqual([])
})
