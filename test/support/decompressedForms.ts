// The bytes a browser stored compressed, read back as they were given: a byte run compresses
// into literals and back-references, so a scan of the raw file alone could miss it. Each form
// is recognized by its content, not by where an engine keeps it, and one that does not decode
// fails the scan rather than being skipped.
import initSqlJs, { type Database } from 'sql.js'
import { lz4Block } from './lz4.ts'
import { snappyBlock, snappyStream } from './snappy.ts'

const SNAPPY_STREAM = Buffer.from([0xff, 0x06, 0x00, 0x00, ...Buffer.from('sNaPpY')])
const MOZ_LZ4 = Buffer.from('mozLz40\0')
const SQLITE = Buffer.from('SQLite format 3\0')

const startsWith = (content: Uint8Array, magic: Buffer) => magic.equals(content.subarray(0, magic.length))

const sql = initSqlJs()

/** The first column of `query`'s rows. */
const column = (db: Database, query: string) => (db.exec(query)[0]?.values ?? []).map(([value]) => value)

/** A column value stored as a Snappy block, decompressed. */
function unsnappy(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new Error(`Not a Snappy block: ${typeof value}`)
  return snappyBlock(value)
}

/**
 * Firefox's IndexedDB values and localStorage values, stored as raw Snappy blocks. Read once
 * the browser closed, when SQLite has moved its write-ahead log into the file.
 */
async function sqliteValues(content: Uint8Array): Promise<Uint8Array[]> {
  const db = new (await sql).Database(content)
  try {
    const tables = new Set(column(db, "SELECT name FROM sqlite_master WHERE type = 'table'"))
    return [
      ...(tables.has('object_data') ? column(db, 'SELECT data FROM object_data') : []),
      ...(tables.has('data') && tables.has('database')
        ? column(db, 'SELECT value FROM data WHERE compression_type = 1')
        : []),
    ].map(unsnappy)
  } finally {
    db.close()
  }
}

/** What `content` holds once decompressed, in every form it was stored compressed; none if it is not. */
export async function decompressedForms(content: Uint8Array): Promise<Uint8Array[]> {
  if (startsWith(content, SNAPPY_STREAM)) return [snappyStream(content)]
  // The magic, then the decompressed size (4 bytes, little-endian), then one block.
  if (startsWith(content, MOZ_LZ4))
    return [
      lz4Block(content.subarray(12), new DataView(content.buffer, content.byteOffset).getUint32(8, true)),
    ]
  if (startsWith(content, SQLITE)) return sqliteValues(content)
  return []
}
