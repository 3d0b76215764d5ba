import type { ImageRecord } from './ImageRecord.js'

/** The key of one image version (an id at a token), for maps, locks and comparisons. */
export function versionKey(record: Pick<ImageRecord, 'id' | 'token'>): string {
  return `${record.id}\u0000${record.token}`
}
