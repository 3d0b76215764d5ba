import type { ComponentProps } from 'react'
import { describe, expectTypeOf, it } from 'vitest'
import {
  SecureImage,
  useImage,
  useSuspenseImage,
  usePixstore,
  useImageCacheStats,
  useClearImageCache,
  type ImageRecord,
  type PixstoreError,
  type PixstoreErrorCode,
  type SecureImageState,
  type UseImageResult,
} from '../../src'

describe('public types', () => {
  it('requires alt and a record on SecureImage, and passes img props through', () => {
    type Props = ComponentProps<typeof SecureImage>
    expectTypeOf<Props['alt']>().toEqualTypeOf<string>()
    expectTypeOf<Props>().toHaveProperty('record')
    expectTypeOf<Props['record']>().toEqualTypeOf<ImageRecord | null | undefined>()
    expectTypeOf<Props['className']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<Props['onLoad']>().not.toBeUndefined()
    expectTypeOf<Props>().not.toHaveProperty('src')
    // @ts-expect-error alt is required
    void (<SecureImageWithoutAlt record={null} />)
  })

  it('pins the record shape', () => {
    expectTypeOf<ImageRecord>().toEqualTypeOf<{
      id: string
      token: number
      meta: { key: string; iv: string; tag: string }
      statelessProof: string
    }>()
  })

  it('pins what the hooks return', () => {
    expectTypeOf(useImage).parameter(0).toEqualTypeOf<ImageRecord | null | undefined>()
    expectTypeOf(useImage).returns.toEqualTypeOf<UseImageResult>()
    expectTypeOf<UseImageResult['url']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<UseImageResult['blob']>().toEqualTypeOf<Blob | undefined>()
    expectTypeOf<UseImageResult['error']>().toEqualTypeOf<PixstoreError | null>()
    expectTypeOf<UseImageResult['status']>().toEqualTypeOf<'pending' | 'error' | 'success'>()
    expectTypeOf<PixstoreError['code']>().toEqualTypeOf<PixstoreErrorCode>()
    expectTypeOf(useSuspenseImage).returns.toEqualTypeOf<{ blob: Blob; url: string }>()
    expectTypeOf(usePixstore).returns.toHaveProperty('getImage')
    expectTypeOf(useImageCacheStats).returns.toEqualTypeOf<{ entries: number; bytes: number } | undefined>()
    expectTypeOf(useClearImageCache).returns.toEqualTypeOf<() => Promise<void>>()
  })

  it("ties error to status, as TanStack Query's results do", () => {
    const image = {} as UseImageResult
    if (image.status === 'error') expectTypeOf(image.error).toEqualTypeOf<PixstoreError>()
    else expectTypeOf(image.error).toEqualTypeOf<null>()
    const secure = {} as SecureImageState
    if (secure.status === 'error') expectTypeOf(secure.error).toEqualTypeOf<PixstoreError>()
    else expectTypeOf(secure.error).toEqualTypeOf<null>()
    expectTypeOf(secure.img.src).toEqualTypeOf<string | undefined>()
    expectTypeOf<SecureImageState>().not.toHaveProperty('src')
  })

  it("compiles the README's useImage example as written", () => {
    function Photo({ record }: { record: ImageRecord }) {
      const { url, status, error } = useImage(record)
      if (status === 'error') return <p>Could not show the image ({error.code})</p>
      return url ? <img src={url} alt="" /> : <span>Loading…</span>
    }
    expectTypeOf(Photo).returns.not.toBeAny()
  })
})

const SecureImageWithoutAlt = SecureImage
