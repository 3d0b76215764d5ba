import { describe, expect, it } from 'vitest'
import { imageUrl, MAX_ID_LENGTH, parseImageUrl } from '../../src/protocol'

const parse = (path: string) => parseImageUrl(new URL(path, 'https://app.example'))

describe('imageUrl and parseImageUrl', () => {
  it('round-trip pixstore ids, with and without a directory prefix', () => {
    for (const id of ['kth1m9c4n8l2a7vz', 'students:kth1m9c4n8l2a7vz', 'a_b-c.d@e']) {
      const url = imageUrl(id, 1750000000123)
      expect(url).toBe(`/_img/${encodeURIComponent(id)}?t=1750000000123`)
      expect(parse(url)).toEqual({ ok: true, id, token: 1750000000123, handed: false, epoch: 0 })
    }
    expect(imageUrl('x', 1, '/media')).toBe('/media/x?t=1')
    expect(parseImageUrl(new URL('https://a.example/media/x?t=1'), '/media')).toEqual({
      ok: true,
      id: 'x',
      token: 1,
      handed: false,
      epoch: 0,
    })
    // A page that hands the worker its records says so in the URL.
    expect(imageUrl('x', 1, '/media', { handed: true })).toBe('/media/x?t=1&r=1')
    expect(parse(imageUrl('x', 1, undefined, { handed: true }))).toEqual({
      ok: true,
      id: 'x',
      token: 1,
      handed: true,
      epoch: 0,
    })
    expect(parse('/_img/x?t=1&r=0')).toMatchObject({ handed: false })
    // After the page's clears, their count: the worker answers a URL from before at once.
    expect(imageUrl('x', 1, undefined, { handed: true, epoch: 2 })).toBe('/_img/x?t=1&r=1&e=2')
    expect(imageUrl('x', 1, undefined, { epoch: 0 })).toBe('/_img/x?t=1')
    expect(parse('/_img/x?t=1&e=3')).toMatchObject({ ok: true, epoch: 3, handed: false })
    // A malformed epoch counts as none, never as a newer page's.
    for (const e of ['-1', '1.5', 'x', '1e400', ''])
      expect(parse(`/_img/x?t=1&e=${e}`), e).toMatchObject({ ok: true, epoch: 0 })
  })

  it('refuses traversal, slashes, bad escapes, overlong ids and missing or bad tokens', () => {
    expect(parse('/_img/..%2Fsecret?t=1')).toMatchObject({ ok: false, reason: 'id characters' })
    expect(parse('/_img/a%2Fb?t=1')).toMatchObject({ ok: false, reason: 'id characters' })
    expect(parse('/_img/..?t=1')).toMatchObject({ ok: false })
    expect(parse('/_img/%E0%A4%A?t=1')).toMatchObject({ ok: false, reason: 'malformed id' })
    expect(parse(`/_img/${'a'.repeat(MAX_ID_LENGTH + 1)}?t=1`)).toMatchObject({
      ok: false,
      reason: 'id length',
    })
    expect(parse(`/_img/${'a'.repeat(MAX_ID_LENGTH)}?t=1`)).toMatchObject({ ok: true })
    expect(parse('/_img/?t=1')).toMatchObject({ ok: false, reason: 'id length' })
    for (const t of ['', '-1', '1.5', '1e3', '99999999999999999', 'abc']) {
      expect(parse(`/_img/x?t=${t}`), t).toMatchObject({ ok: false, reason: 'token' })
    }
    expect(parse('/_img/x')).toMatchObject({ ok: false, reason: 'token' })
  })
})
