// What changed since the commit of the last full mutation run (`test/mutation/baseline`, one
// line): every path git reports changed since it, untracked files included, and which of them
// are new. Both mutation steps choose what to run from it (runStryker.ts, mutants.ts).
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../..')
export const BASELINE_FILE = resolve(import.meta.dirname, 'baseline')

export const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim()
export const lines = (text: string) => text.split('\n').filter(Boolean)

/** The baseline commit (empty when none is recorded), the paths changed since it, and the new ones among them. */
export function changedSinceBaseline(): { base: string; changed: string[]; added: string[] } {
  const base = existsSync(BASELINE_FILE) ? readFileSync(BASELINE_FILE, 'utf8').trim() : ''
  // Each changed path with git's status letter; a new file is untracked or 'A'.
  const diff = lines(base ? git('diff', '--name-status', '--no-renames', base) : '').map((line) =>
    line.split('\t'),
  )
  const added = [
    ...lines(git('ls-files', '--others', '--exclude-standard')),
    ...diff.filter(([s]) => s === 'A').map(([, f]) => f!),
  ]
  return { base, changed: [...diff.map(([, file]) => file!), ...added], added }
}
