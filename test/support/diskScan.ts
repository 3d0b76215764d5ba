// Reads every file of a closed browser profile, decompressed where the browser compressed it,
// and looks for secrets in every form they could take at rest (`secretForms.ts`).
import { lstat, readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { decompressedForms } from './decompressedForms.ts'
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
    const forms = [
      content,
      ...(await decompressedForms(content)).map((form) =>
        Buffer.from(form.buffer, form.byteOffset, form.length),
      ),
    ]
    scanned += content.length
    for (const secret of secrets) {
      if (forms.some((form) => form.indexOf(secret.bytes) >= 0))
        found.push({ file: relative(dir, path), secret: secret.name })
    }
  }
  if (scanned === 0) throw new Error(`No bytes to scan under ${dir}`)
  return found
}
