import { SW_PREFIX } from './messages.js'

/** Longest id the worker accepts. */
export const MAX_ID_LENGTH = 256

// pixstore ids are `[dir:]base36`; this leaves room for app ids but never a path or query.
const ID_PATTERN = /^[A-Za-z0-9_.:@-]+$/

/**
 * The query parameter of an image URL whose page hands the worker the record (`RECORDS`) as
 * the `<img>` commits: the worker waits for it on a miss rather than asking the page, since
 * the hand-over and the `<img>`'s request reach it in either order.
 */
export const RECORD_HANDED = 'r'

/** The query parameter of an image URL that carries the clear epoch of the page that made it. */
const CLEAR_EPOCH = 'e'

/** What the page that shows an image says about it in its URL. */
export interface ImageUrlPage {
  /** The page hands the worker the record (`RECORD_HANDED`). @default false */
  handed?: boolean
  /**
   * The page's clears so far: after a clear the URL changes, so the document's own image
   * memory cannot show a cleared image again, and the worker answers a URL from before the
   * page's last clear at once, with nothing. @default 0
   */
  epoch?: number
}

/**
 * The worker URL of a record's image: `{prefix}/{id}?t={token}`, then `&r=1` when the page
 * hands the worker its record and `&e={epoch}` after the page's first clear.
 */
export function imageUrl(
  id: string,
  token: number,
  prefix: string = SW_PREFIX,
  { handed = false, epoch = 0 }: ImageUrlPage = {},
): string {
  return (
    `${prefix}/${encodeURIComponent(id)}?t=${token}` +
    (handed ? `&${RECORD_HANDED}=1` : '') +
    (epoch ? `&${CLEAR_EPOCH}=${epoch}` : '')
  )
}

/** Why an image URL was refused, or its id, token and what its page said (`ImageUrlPage`). */
export type ParsedImageUrl =
  { ok: true; id: string; token: number; handed: boolean; epoch: number } | { ok: false; reason: string }

/**
 * Reads and validates the id and token of a worker image URL whose path starts with
 * `{prefix}/`. Ids are limited in length and characters, so `..`, slashes and overlong
 * values never reach a lookup.
 */
export function parseImageUrl(url: URL, prefix: string = SW_PREFIX): ParsedImageUrl {
  let id: string
  try {
    id = decodeURIComponent(url.pathname.slice(prefix.length + 1))
  } catch {
    return { ok: false, reason: 'malformed id' }
  }
  if (id.length === 0 || id.length > MAX_ID_LENGTH) return { ok: false, reason: 'id length' }
  if (!ID_PATTERN.test(id) || id.includes('..')) return { ok: false, reason: 'id characters' }
  // Stryker disable next-line StringLiteral: any string the pattern refuses will do
  const t = url.searchParams.get('t') ?? ''
  if (!/^\d{1,16}$/.test(t) || !Number.isSafeInteger(Number(t))) {
    return { ok: false, reason: 'token' }
  }
  const epoch = Number(url.searchParams.get(CLEAR_EPOCH) ?? 0)
  return {
    ok: true,
    id,
    token: Number(t),
    handed: url.searchParams.get(RECORD_HANDED) === '1',
    // A malformed epoch is as old as none: the worker never refuses a request for it alone.
    epoch: Number.isSafeInteger(epoch) ? Math.max(epoch, 0) : 0,
  }
}
