// Deterministic photo-like sample images, encoded in Node without native modules:
// PNG through zlib, JPEG through jpeg-js.
import { crc32, deflateSync } from 'node:zlib'
import jpeg from 'jpeg-js'

export interface SampleImage {
  name: string
  format: 'png' | 'jpg'
  width: number
  height: number
  bytes: Uint8Array
}

/** RGBA pixels: a sky-to-ground gradient, soft discs and grain, all from `seed`. */
function paint(width: number, height: number, seed: number, grainAmount: number): Uint8Array {
  let state = (seed * 2654435761) >>> 0
  const random = () => (state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32
  const hue = random() * 255
  const discs = Array.from({ length: 5 }, () => ({
    x: random() * width,
    y: random() * height,
    r: (0.1 + random() * 0.25) * Math.min(width, height),
    c: [random() * 255, random() * 255, random() * 255],
  }))
  const rgba = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = y / height
      let r = (1 - t) * (90 + hue / 3) + t * 60
      let g = (1 - t) * 150 + t * (80 + hue / 4)
      let b = (1 - t) * 220 + t * 70
      for (const d of discs) {
        const k = Math.max(0, 1 - Math.hypot(x - d.x, y - d.y) / d.r)
        r += (d.c[0]! - r) * k * 0.8
        g += (d.c[1]! - g) * k * 0.8
        b += (d.c[2]! - b) * k * 0.8
      }
      const grain = (random() - 0.5) * grainAmount
      const i = (y * width + x) * 4
      rgba[i] = r + grain
      rgba[i + 1] = g + grain
      rgba[i + 2] = b + grain
      rgba[i + 3] = 255
    }
  }
  return rgba
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'latin1')
  out.set(data, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

function encodePng(width: number, height: number, rgba: Uint8Array): Uint8Array {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 6, 0, 0, 0], 8)
  const raw = Buffer.alloc((width * 4 + 1) * height)
  for (let y = 0; y < height; y++)
    raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1)
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ])
}

/**
 * One sample image; the same seed always gives the same bytes. `grain` is the noise
 * amplitude: more grain, less compressible, like a real photo's sensor noise.
 */
export function sampleImage(
  seed: number,
  width: number,
  height: number,
  format: 'png' | 'jpg',
  grain = 24,
): SampleImage {
  const rgba = paint(width, height, seed, grain)
  const bytes =
    format === 'png'
      ? encodePng(width, height, rgba)
      : new Uint8Array(jpeg.encode({ data: rgba, width, height }, 85).data)
  return { name: `sample-${seed}.${format}`, format, width, height, bytes }
}

/** A set of `count` samples in a few formats and sizes. */
export function sampleImages(count: number): SampleImage[] {
  const sizes = [
    [320, 240],
    [480, 320],
    [256, 256],
    [640, 427],
  ] as const
  return Array.from({ length: count }, (_, i) => {
    const [width, height] = sizes[i % sizes.length]!
    return sampleImage(i + 1, width, height, i % 3 === 2 ? 'png' : 'jpg')
  })
}
