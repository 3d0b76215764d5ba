// Reads every file of a closed browser profile and looks for secrets in every form they
// could take at rest (`secretForms.ts`).
import { lstat, readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import type { Secret } from './secretForms.ts'

/** Where a secret was found. */
export interface Finding {
  file: string
  secret: string
}

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* files(path)
    else if (entry.isFile()) yield path
  }
}

/** Every secret found in any regular file under `dir` (sockets and links are skipped). */
export async function scanDirectory(dir: string, secrets: readonly Secret[]): Promise<Finding[]> {
  const found: Finding[] = []
  let scanned = 0
  for await (const path of files(dir)) {
    if (!(await lstat(path)).isFile()) continue
    const content = await readFile(path)
    scanned += content.length
    for (const secret of secrets) {
      if (content.indexOf(secret.bytes) >= 0) found.push({ file: relative(dir, path), secret: secret.name })
    }
  }
  if (scanned === 0) throw new Error(`No bytes to scan under ${dir}`)
  return found
}
