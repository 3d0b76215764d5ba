// Reads every file of a closed browser profile and looks for secrets in every form they
// could take at rest: raw bytes, base64, base64url and hex text (one byte per character, and
// UTF-16 as some stores keep strings), for keys; raw runs and base64 runs, for plaintext.
import { lstat, readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'

/** One byte sequence that must not be found, and what it stands for. */
export interface Secret {
  name: string
  bytes: Uint8Array
}

/** Where a secret was found. */
export interface Finding {
  file: string
  secret: string
}

const utf16 = (text: string) => new Uint8Array(Buffer.from(text, 'utf16le'))
const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'))

/** Every form of a key: raw, base64, base64url, hex in both cases, each as text in two encodings. */
export function keyForms(name: string, key: Uint8Array): Secret[] {
  const buffer = Buffer.from(key)
  const texts = {
    base64: buffer.toString('base64'),
    base64url: buffer.toString('base64url'),
    hex: buffer.toString('hex'),
    HEX: buffer.toString('hex').toUpperCase(),
  }
  return [
    { name: `${name} raw`, bytes: key },
    ...Object.entries(texts).flatMap(([form, text]) => [
      { name: `${name} ${form}`, bytes: ascii(text) },
      { name: `${name} ${form} utf-16`, bytes: utf16(text) },
    ]),
  ]
}

/**
 * Up to `count` runs of 32 bytes spread over a plaintext, each found in none of `others`
 * (images of one encoder share their headers), and the base64 text of each (aligned on
 * three bytes, so it appears inside the whole image's base64 or a data URL).
 */
export function plaintextRuns(
  name: string,
  plaintext: Uint8Array,
  others: readonly Uint8Array[] = [],
  count = 8,
): Secret[] {
  const unique: number[] = []
  for (let offset = 0; offset + 33 <= plaintext.length; offset += 3) {
    const run = Buffer.from(plaintext.subarray(offset, offset + 32))
    if (others.every((other) => other === plaintext || Buffer.from(other).indexOf(run) < 0))
      unique.push(offset)
  }
  if (unique.length === 0) throw new Error(`${name} has no run of its own`)
  const picked = new Set(
    Array.from({ length: count }, (_, i) => unique[Math.floor((unique.length * i) / count)]!),
  )
  return [...picked].flatMap((offset) => {
    const run = plaintext.subarray(offset, offset + 33)
    return [
      { name: `${name} bytes@${offset}`, bytes: run.subarray(0, 32) },
      { name: `${name} base64@${offset}`, bytes: ascii(Buffer.from(run).toString('base64')) },
    ]
  })
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
