/**
 * The clears of this document, by any bridge in it, counted once per clear id (a clear made
 * here reaches the document's other bridges with its id). A bridge made after a logout counts
 * on from them, so its URLs are never older than those the worker was told this page made
 * before its last clear.
 */
const documentClears: { count: number; last?: string } = { count: 0 }

/** Counts the clear `clearId` unless counted already (one without an id always counts); the count after it. */
export function countClear(clearId: string | undefined): number {
  if (clearId === undefined || clearId !== documentClears.last) {
    documentClears.count++
    documentClears.last = clearId
  }
  return documentClears.count
}

/** The clears of this document so far: where a bridge made now starts counting. */
export const documentClearCount = (): number => documentClears.count
