import type { Dexie } from 'dexie'
import { PixstoreError } from './PixstoreError.js'

/**
 * Opens `db`, or fails with `storage` after `ms`: an open blocked by another connection (an
 * old tab that ignores `versionchange`) must not hang every caller.
 */
export async function openWithin(db: Dexie, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new PixstoreError('storage', `The image cache did not open in ${ms} ms`)),
      ms,
    )
  })
  // Stryker disable next-line ArrowFunction: the timer would only reject a race already settled
  await Promise.race([db.open(), timeout]).finally(() => clearTimeout(timer))
}
