/** Deterministic photo-like test images, encoded by the browser itself. */
export async function makeImage(
  width: number,
  height: number,
  type: 'image/png' | 'image/webp' | 'image/jpeg',
  seed = 1,
): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(width, height)
  const ctx = canvas.getContext('2d')!
  const pixels = ctx.createImageData(width, height)
  let state = seed * 2654435761
  for (let i = 0; i < pixels.data.length; i += 4) {
    state = (state * 1103515245 + 12345) >>> 0
    const x = (i / 4) % width
    const y = Math.floor(i / 4 / width)
    pixels.data[i] = (x * 255) / width + (state & 31)
    pixels.data[i + 1] = (y * 255) / height + ((state >> 8) & 31)
    pixels.data[i + 2] = ((x + y) * 128) / (width + height) + ((state >> 16) & 63)
    pixels.data[i + 3] = 255
  }
  ctx.putImageData(pixels, 0, 0)
  const blob = await canvas.convertToBlob({ type, quality: 0.9 })
  return new Uint8Array(await blob.arrayBuffer())
}

export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
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
