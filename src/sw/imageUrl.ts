import { SW_PREFIX } from './messages.js'

/** Longest id the worker accepts. */
export const MAX_ID_LENGTH = 256

// pixstore ids are `[dir:]base36`; this leaves room for app ids but never a path or query.
const ID_PATTERN = /^[A-Za-z0-9_.:@-]+$/

/** The worker URL of a record's image: `{prefix}/{id}?t={token}`. */
export function imageUrl(id: string, token: number, prefix: string = SW_PREFIX): string {
  return `${prefix}/${encodeURIComponent(id)}?t=${token}`
}

/** Why an image URL was refused, or its id and token. */
export type ParsedImageUrl = { ok: true; id: string; token: number } | { ok: false; reason: string }

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
  return { ok: true, id, token: Number(t) }
}
