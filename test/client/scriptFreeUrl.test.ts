import { describe, expect, it } from 'vitest'
import { scriptFreeUrl } from '../../src/client/scriptFreeUrl'

const bytes = Uint8Array.of(60, 115, 118, 103, 62)

describe('scriptFreeUrl', () => {
  it('leaves raster images to object URLs', async () => {
    for (const type of ['image/png', 'image/jpeg', 'image/webp', 'image/avif', 'image/gif'])
      expect(await scriptFreeUrl(new Blob([bytes], { type }))).toBeUndefined()
  })

  it('makes a data: URL of an SVG, and of anything not an image', async () => {
    for (const type of ['image/svg+xml', 'text/html', 'application/xml', ''])
      expect(await scriptFreeUrl(new Blob([bytes], { type }))).toBe(`data:${type};base64,PHN2Zz4=`)
  })
})
