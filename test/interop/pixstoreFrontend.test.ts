import * as legacy from 'pixstore/frontend/index.js'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { commands } from 'vitest/browser'
import * as dropIn from '../../src/compat'
import { indexOfBytes, makeImage, toBase64 } from '../support/images'
import { storedBytes } from '../support/scanIndexedDB'
import { base64ToBytes, type ImageRecord } from '../../src/core/internal'
import { UNTIL } from '../support/hang'

let host: string
let port: number
const bytesOf = async (blob: Blob | null) => new Uint8Array(await blob!.arrayBuffer())

beforeAll(async () => {
  const url = new URL(await commands.backendUrl())
  host = url.hostname
  port = Number(url.port)
})

describe('drop-in for pixstore/frontend', () => {
  it('answers the same calls with the same config as pixstore 3 frontend does', async () => {
    const suffix = Date.now()
    const config = { defaultEndpointConnectHost: host, defaultEndpointConnectPort: port }
    legacy.initPixstoreFrontend({ ...config, frontendDbName: `legacy-${suffix}`, errorHandlingMode: 'throw' })
    dropIn.initPixstoreFrontend({ ...config, frontendDbName: `dropin-${suffix}`, errorHandlingMode: 'throw' })

    for (const type of ['image/png', 'image/webp', 'image/jpeg'] as const) {
      const image = await makeImage(48, 48, type, 60)
      const record = await commands.backendSave(toBase64(image))
      const theirs = await legacy.getImage(record)
      const ours = await dropIn.getImage(record)
      expect(await bytesOf(ours)).toEqual(await bytesOf(theirs))
      expect(await bytesOf(ours)).toEqual(image)
      // pixstore 3 labels JPEG as image/jpg; this kit sends the registered type.
      expect(ours!.type).toBe(type)
      await vi.waitFor(async () => expect(await legacy.cachedImageExists(record.id)).toBe(true), UNTIL)
      expect(await dropIn.cachedImageExists(record.id)).toBe(true)
      await legacy.deleteCachedImage(record.id)
      await dropIn.deleteCachedImage(record.id)
      expect(await legacy.cachedImageExists(record.id)).toBe(false)
      expect(await dropIn.cachedImageExists(record.id)).toBe(false)
    }
  })

  it('resolves null and warns on a PixstoreError in hybrid mode, like pixstore 3', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const config = {
      defaultEndpointConnectHost: host,
      defaultEndpointConnectPort: port,
      errorHandlingMode: 'hybrid' as const,
    }
    legacy.initPixstoreFrontend({ ...config, frontendDbName: `legacy-h-${Date.now()}` })
    dropIn.initPixstoreFrontend({ ...config, frontendDbName: `dropin-h-${Date.now()}` })
    const ghost: ImageRecord = {
      id: 'no-such-image',
      token: 1,
      meta: { key: '', iv: '', tag: '' },
      statelessProof: 'x',
    }
    expect(await legacy.getImage(ghost)).toBeNull()
    expect(await dropIn.getImage(ghost)).toBeNull()
    expect(warn).toHaveBeenCalledTimes(2)
    expect(warn.mock.calls[1]![0]).toMatchObject({ code: 'invalid-proof' })
    warn.mockRestore()
  })

  it('supports silent, custom and throw modes and a pixstore-style custom fetcher', async () => {
    const record = await commands.backendSave(toBase64(await makeImage(20, 20, 'image/png', 61)))
    const seen: unknown[] = []
    const fetcher = vi.fn(async (r: ImageRecord, context?: unknown) => {
      seen.push(context)
      const response = await fetch(`http://${host}:${port}/pixstore-image/${encodeURIComponent(r.id)}`, {
        headers: { 'x-pixstore-proof': r.statelessProof, 'x-pixstore-token': String(r.token) },
      })
      return new Uint8Array(await response.arrayBuffer())
    })
    dropIn.initPixstoreFrontend(
      { frontendDbName: `dropin-f-${Date.now()}`, errorHandlingMode: 'silent' },
      fetcher,
    )
    expect(await bytesOf(await dropIn.getImage(record, { tenant: 7 }))).toEqual(
      await makeImage(20, 20, 'image/png', 61),
    )
    expect(seen).toEqual([{ tenant: 7 }])
    expect(await dropIn.getImage({ ...record, id: 'missing', token: 5 })).toBeNull()

    const handled: unknown[] = []
    dropIn.initPixstoreFrontend(
      {
        frontendDbName: `dropin-c-${Date.now()}`,
        errorHandlingMode: 'custom',
        customErrorHandler: (e) => handled.push(e),
      },
      fetcher,
    )
    expect(await dropIn.getImage({ ...record, id: 'missing', token: 5 })).toBeNull()
    expect(handled).toMatchObject([{ code: 'invalid-proof' }])

    dropIn.initPixstoreFrontend(
      { frontendDbName: `dropin-t-${Date.now()}`, errorHandlingMode: 'throw' },
      fetcher,
    )
    await expect(dropIn.getImage({ ...record, id: 'missing', token: 5 })).rejects.toMatchObject({
      code: 'invalid-proof',
    })
  })

  it('validates config like pixstore 3', () => {
    expect(() =>
      dropIn.initPixstoreFrontend({ frontendImageCacheLimit: 10, frontendCleanupBatch: 10 }),
    ).toThrow('frontendCleanupBatch must be smaller than frontendImageCacheLimit')
    expect(() => dropIn.initPixstoreFrontend({ defaultEndpointConnectPort: 70000 })).toThrow(
      /between 1 and 65535/,
    )
  })

  it('does not store the key where pixstore 3 frontend does', async () => {
    const suffix = Date.now()
    const config = {
      defaultEndpointConnectHost: host,
      defaultEndpointConnectPort: port,
      errorHandlingMode: 'throw' as const,
    }
    legacy.initPixstoreFrontend({ ...config, frontendDbName: `legacy-k-${suffix}` })
    dropIn.initPixstoreFrontend({ ...config, frontendDbName: `dropin-k-${suffix}` })
    const record = await commands.backendSave(toBase64(await makeImage(40, 40, 'image/png', 62)))
    const stale = { ...record, token: record.token - 1 }
    await legacy.getImage(stale)
    await dropIn.getImage(stale)
    const key = base64ToBytes(record.meta.key)
    // pixstore 3 keeps its first database open whatever name a later init gives, so scan all of its.
    const theirs = () => storedBytes((name) => name.startsWith('legacy-'))
    await vi.waitFor(
      async () => expect((await theirs()).some((b) => indexOfBytes(b, key) >= 0)).toBe(true),
      UNTIL,
    )
    const ours = await storedBytes((name) => name === `dropin-k-${suffix}`)
    expect(ours.length).toBeGreaterThan(0)
    expect(ours.some((b) => indexOfBytes(b, key) >= 0)).toBe(false)
  })
})
