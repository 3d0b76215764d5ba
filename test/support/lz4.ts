// LZ4 blocks, as Firefox writes its own files (`mozLz40\0`, a 4-byte size, one block): the
// session store, for one, holds each tab's sessionStorage. Format: github.com/lz4/lz4,
// doc/lz4_Block_format.md.

/** One LZ4 block of `size` bytes once decompressed; throws on anything that is not one. */
export function lz4Block(block: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size)
  let at = 0
  let written = 0
  const length = (nibble: number) => {
    let value = nibble
    if (nibble === 15)
      for (let byte = 255; byte === 255; value += byte) {
        byte = block[at++] ?? -1
        if (byte < 0) throw new Error('lz4: bad length')
      }
    return value
  }
  while (at < block.length) {
    const token = block[at++]!
    const literals = length(token >> 4)
    if (at + literals > block.length || written + literals > size) throw new Error('lz4: bad literal')
    out.set(block.subarray(at, at + literals), written)
    at += literals
    written += literals
    // The last sequence is literals only.
    if (at === block.length) break
    const offset = block[at]! | (block[at + 1]! << 8)
    at += 2
    const match = length(token & 15) + 4
    if (offset === 0 || offset > written || written + match > size) throw new Error('lz4: bad match')
    // Byte by byte: a match may overlap what it writes.
    for (let i = 0; i < match; i++, written++) out[written] = out[written - offset]!
  }
  if (written !== size) throw new Error('lz4: short block')
  return out
}
