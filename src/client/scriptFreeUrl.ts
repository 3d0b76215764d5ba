import { bytesToBase64 } from '../core/internal.js'

/**
 * The `data:` URL of an image whose type runs script when opened in a tab (SVG, and anything
 * not an image), or `undefined` for the rest, which show through object URLs. An object URL
 * opened in a tab is a document of the app's origin, and no header can sandbox it; a `data:`
 * URL's document has an origin of its own.
 */
export async function scriptFreeUrl(blob: Blob): Promise<string | undefined> {
  if (blob.type !== 'image/svg+xml' && blob.type.startsWith('image/')) return undefined
  return `data:${blob.type};base64,${bytesToBase64(new Uint8Array(await blob.arrayBuffer()))}`
}
