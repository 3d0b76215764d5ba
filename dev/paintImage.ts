// Photo-like images painted and encoded by the browser itself (OffscreenCanvas), for
// stories, fixtures and browser tests.
/** A deterministic photo-like image: the same arguments always give the same pixels. */
export async function paintImage(
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
