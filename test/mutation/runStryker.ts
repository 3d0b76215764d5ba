// StrykerJS and the floors (scores.ts), on the whole scope or on what changed (`--list` only
// prints the files it would mutate).
//
// `--all` mutates every file of stryker.config.mjs's scope; on success, with a clean tree, it
// records HEAD in test/mutation/baseline. Without it, only the files of the scope that changed
// since that commit are mutated, with those whose Node tests (or the test support they
// import) changed: a change to a test can only weaken the mutants of the code it tests. A
// changed test that mirrors no file of the scope, or a change to the mutation set-up itself,
// mutates the whole scope. Stryker's incremental file stays in reports/, out of git: on a
// clean clone (CI) every selected mutant runs.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { BASELINE_FILE, changedSinceBaseline, git, lines, ROOT as root } from './changedFiles.ts'

/** A glob of the config's `mutate` list as a regular expression (`**`, `*` and literal text). */
const globRegex = (glob: string) =>
  new RegExp(
    `^${glob
      .split('**/')
      .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
      .join('(.*/)?')}$`,
  )
const { default: config } = (await import(pathToFileURL(resolve(root, 'stryker.config.mjs')).href)) as {
  default: { mutate: string[] }
}
const patterns = config.mutate
const included = patterns.filter((p) => !p.startsWith('!')).map(globRegex)
const excluded = patterns.filter((p) => p.startsWith('!')).map((p) => globRegex(p.slice(1)))
const inScope = (file: string) => included.some((r) => r.test(file)) && !excluded.some((r) => r.test(file))

/** The Node tests each mutant runs against (vitest.mutation.config.ts). */
const mutationTests = lines(
  git('ls-files', 'test/core', 'test/protocol', 'test/worker', 'test/window', 'test/client'),
).filter((file) => /\.test\.ts$/.test(file) && !/\.(browser|e2e)\.test\.ts$/.test(file))
const SET_UP = [
  'stryker.config.mjs',
  'vitest.mutation.config.ts',
  'test/mutation/runStryker.ts',
  'test/mutation/changedFiles.ts',
]

/** The files to mutate for `changed`, or 'all'. */
function selection(changed: string[]): string[] | 'all' {
  const files = new Set<string>()
  // A test added can only kill more mutants: only changed tests are followed to their code.
  const tests = new Set(changed.filter((file) => mutationTests.includes(file) && !added.includes(file)))
  for (const support of changed.filter((file) => file.startsWith('test/support/'))) {
    const name = support.replace(/^test\/support\//, '').replace(/\.tsx?$/, '')
    for (const test of mutationTests)
      if (readFileSync(resolve(root, test), 'utf8').includes(`support/${name}'`)) tests.add(test)
  }
  for (const file of changed) {
    if (SET_UP.includes(file)) return 'all'
    if (inScope(file)) files.add(file)
  }
  for (const test of tests) {
    const mirrored = test.replace(/^test\//, 'src/').replace(/\.test\.ts$/, '.ts')
    if (!inScope(mirrored)) return 'all'
    files.add(mirrored)
  }
  return [...files].filter((file) => existsSync(resolve(root, file))).sort()
}

const all = process.argv.includes('--all')
const { base, changed, added } = changedSinceBaseline()
const chosen = all || !base ? 'all' : selection(changed)
if (process.argv.includes('--list')) {
  // What a run would mutate, and nothing more.
  console.log(chosen === 'all' ? 'all' : chosen.join('\n'))
} else if (chosen !== 'all' && chosen.length === 0) {
  console.log(`Nothing in the mutation scope changed since ${base.slice(0, 7)}: no mutant to run.`)
} else {
  console.log(
    chosen === 'all'
      ? 'Mutating the whole scope.'
      : `Mutating what changed since ${base.slice(0, 7)}: ${chosen.join(', ')}`,
  )
  const run = (command: string, args: string[]) =>
    execFileSync(command, args, { cwd: root, stdio: 'inherit' })
  run('npx', ['stryker', 'run', '--incremental', ...(chosen === 'all' ? [] : ['--mutate', chosen.join(',')])])
  run('npx', ['tsx', 'test/mutation/scores.ts'])
  if (all && git('status', '--porcelain') === '')
    writeFileSync(BASELINE_FILE, `${git('rev-parse', 'HEAD')}\n`)
}
