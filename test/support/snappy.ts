// Snappy, as Firefox stores IndexedDB values (raw blocks) and Cache Storage bodies (the framed
// stream): a byte run compresses into literals and back-references, so a scan for it must
// read the decompressed bytes. Format: github.com/google/snappy, format_description.txt and
// framing_format.txt.

function varint(bytes: Uint8Array, start: number): [value: number, next: number] {
  let value = 0
  let shift = 0
  let at = start
  for (;;) {
    const byte = bytes[at++]
    if (byte === undefined || shift > 28) throw new Error('snappy: bad length')
    value += (byte & 0x7f) * 2 ** shift
    if (byte < 0x80) return [value, at]
    shift += 7
  }
}

const littleEndian = (bytes: Uint8Array, at: number, size: number) => {
  let value = 0
  for (let i = size - 1; i >= 0; i--) value = value * 256 + bytes[at + i]!
  return value
}

/** One raw Snappy block, decompressed; throws on anything that is not one. */
export function snappyBlock(block: Uint8Array): Uint8Array {
  const [length, start] = varint(block, 0)
  const out = new Uint8Array(length)
  let at = start
  let written = 0
  while (at < block.length) {
    const tag = block[at++]!
    let size: number
    let offset: number
    if ((tag & 3) === 0) {
      size = tag >> 2
      if (size >= 60) {
        const extra = size - 59
        size = littleEndian(block, at, extra)
        at += extra
      }
      size += 1
      if (at + size > block.length || written + size > length) throw new Error('snappy: bad literal')
      out.set(block.subarray(at, at + size), written)
      at += size
      written += size
      continue
    }
    if ((tag & 3) === 1) {
      size = 4 + ((tag >> 2) & 7)
      offset = ((tag >> 5) << 8) | block[at++]!
    } else {
      const extra = (tag & 3) === 2 ? 2 : 4
      size = (tag >> 2) + 1
      offset = littleEndian(block, at, extra)
      at += extra
    }
    if (offset === 0 || offset > written || written + size > length) throw new Error('snappy: bad copy')
    // Byte by byte: a copy may overlap what it writes.
    for (let i = 0; i < size; i++, written++) out[written] = out[written - offset]!
  }
  if (written !== length) throw new Error('snappy: short block')
  return out
}

/** A Snappy framed stream, decompressed; throws on anything that is not one. */
export function snappyStream(stream: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = []
  let at = 0
  while (at < stream.length) {
    const type = stream[at]!
    const size = littleEndian(stream, at + 1, 3)
    const body = stream.subarray(at + 4, at + 4 + size)
    if (body.length !== size) throw new Error('snappy: short chunk')
    // 0x00 compressed and 0x01 uncompressed, each after a 4-byte checksum; 0xff names the
    // stream; 0x80-0xfe are skippable; 0x02-0x7f must not be skipped.
    if (type === 0x00) chunks.push(snappyBlock(body.subarray(4)))
    else if (type === 0x01) chunks.push(body.subarray(4))
    else if (type < 0x80) throw new Error(`snappy: unknown chunk ${type}`)
    at += 4 + size
  }
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0))
  let written = 0
  for (const chunk of chunks) {
    out.set(chunk, written)
    written += chunk.length
  }
  return out
}
