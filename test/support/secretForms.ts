// The forms a secret can take at rest, for every scan (page APIs and profile files alike):
// a key as raw bytes and as base64, base64url and hex text; a plaintext as runs of its own
// bytes and their base64 text. Text in both encodings an engine stores strings in: one byte
// per character, and UTF-16. Runs in Node and in the browser.

/** One byte sequence that must not be found, and what it stands for. */
export interface Secret {
  name: string
  bytes: Uint8Array
}

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0))
const utf16 = (text: string) => {
  const bytes = new Uint8Array(text.length * 2)
  for (let i = 0; i < text.length; i++) bytes[i * 2] = text.charCodeAt(i)
  return bytes
}

export function base64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')

/** Every form of a key: raw, base64, base64url, hex in both cases, each as text in two encodings. */
export function keyForms(name: string, key: Uint8Array): Secret[] {
  const texts = {
    base64: base64(key),
    base64url: base64(key).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    hex: hex(key),
    HEX: hex(key).toUpperCase(),
  }
  return [
    { name: `${name} raw`, bytes: key },
    ...Object.entries(texts).flatMap(([form, text]) => [
      { name: `${name} ${form}`, bytes: latin1(text) },
      { name: `${name} ${form} utf-16`, bytes: utf16(text) },
    ]),
  ]
}

/** Index of `needle` in `haystack`, or -1. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  const first = needle[0]
  outer: for (
    let i = haystack.indexOf(first!);
    i >= 0 && i <= haystack.length - needle.length;
    i = haystack.indexOf(first!, i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return i
  }
  return -1
}

/**
 * Up to `count` runs of 32 bytes spread over a plaintext, each found in none of `others`
 * (images of one encoder share their headers), and the base64 text of each in both
 * encodings (aligned on three bytes, so it appears inside the whole image's base64 or a data URL).
 */
export function plaintextRuns(
  name: string,
  plaintext: Uint8Array,
  others: readonly Uint8Array[] = [],
  count = 8,
): Secret[] {
  // Candidates spread over the image; every offset only if none of those is its own.
  const aligned = (offset: number) => Math.floor(offset / 3) * 3
  const last = plaintext.length - 33
  const spread = Array.from({ length: count * 8 }, (_, i) => aligned((last * (i + 0.5)) / (count * 8)))
  const own = (offset: number) => {
    const run = plaintext.subarray(offset, offset + 32)
    return others.every((other) => other === plaintext || indexOfBytes(other, run) < 0)
  }
  let unique = [...new Set(spread)].filter(own)
  if (unique.length === 0) unique = Array.from({ length: aligned(last) / 3 + 1 }, (_, i) => i * 3).filter(own)
  const picked = new Set(
    Array.from({ length: count }, (_, i) => unique[Math.floor((unique.length * i) / count)]!),
  )
  return [...picked].flatMap((offset) => {
    const run = plaintext.subarray(offset, offset + 33)
    return [
      { name: `${name} bytes@${offset}`, bytes: run.subarray(0, 32) },
      { name: `${name} base64@${offset}`, bytes: latin1(base64(run)) },
      { name: `${name} base64 utf-16@${offset}`, bytes: utf16(base64(run)) },
    ]
  })
}

/** Every secret of a set of images: all forms of each key, and runs of each plaintext. */
export function imageSecrets(images: ReadonlyArray<{ key: Uint8Array; plaintext: Uint8Array }>): Secret[] {
  const plaintexts = images.map((image) => image.plaintext)
  return images.flatMap((image, i) => [
    ...keyForms(`key ${i}`, image.key),
    ...plaintextRuns(`image ${i}`, image.plaintext, plaintexts),
  ])
}

/** The secrets found in any of `haystacks`. */
export function findSecrets(haystacks: readonly Uint8Array[], secrets: readonly Secret[]): string[] {
  return secrets
    .filter((secret) => haystacks.some((h) => indexOfBytes(h, secret.bytes) >= 0))
    .map((s) => s.name)
}
