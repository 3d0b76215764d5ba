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
})

const SecureImageWithoutAlt = SecureImage
