import type { ImageRecord } from './ImageRecord.js'
import { PixstoreError } from './PixstoreError.js'

/** Throws `missing-id` unless `record` is a record with an id. */
export function checkRecord(record: ImageRecord): void {
  if (typeof record?.id !== 'string' || record.id === '') {
    throw new PixstoreError('missing-id', 'The record has no id')
  }
}
