/**
 * Resolves once the window's `load` event has fired: at once where it has (or where there is
 * no document: a worker, the server).
 */
export function whenWindowLoaded(): Promise<void> {
  const document = globalThis.document as Document | undefined
  if (!document || document.readyState === 'complete') return Promise.resolve()
  return new Promise((resolve) => globalThis.addEventListener('load', () => resolve()))
}
