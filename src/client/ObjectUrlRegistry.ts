/**
 * Owns the object URLs of image queries: one per query hash, revoked when its query leaves
 * the cache, when a newer result replaces it, or all at once.
 */
export class ObjectUrlRegistry {
  private readonly urls = new Map<string, string>()

  /** Creates the URL of a query's blob, revoking the one it replaces. */
  create(queryHash: string, blob: Blob): string {
    const url = URL.createObjectURL(blob)
    const previous = this.urls.get(queryHash)
    this.urls.set(queryHash, url)
    if (previous) URL.revokeObjectURL(previous)
    return url
  }

  /** Revokes the URL of one query, if it has one. */
  revoke(queryHash: string): void {
    const url = this.urls.get(queryHash)
    if (url === undefined) return
    this.urls.delete(queryHash)
    URL.revokeObjectURL(url)
  }

  /** Revokes every URL. */
  revokeAll(): void {
    for (const url of this.urls.values()) URL.revokeObjectURL(url)
    this.urls.clear()
  }
}
