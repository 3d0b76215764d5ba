/** Whether `error`, a Dexie error wrapping it, or one item of a bulk error, is a full disk. */
export function isQuotaError(error: unknown): boolean {
  for (
    let e = error as { name?: string; inner?: unknown; failures?: unknown } | undefined;
    e;
    e = e.inner as typeof e
  ) {
    if (e.name === 'QuotaExceededError') return true
    // A bulk operation reports each failed item.
    if (e.failures && Object.values(e.failures as object).some(isQuotaError)) return true
  }
  return false
}
