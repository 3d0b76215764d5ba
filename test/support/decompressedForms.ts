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

function rows(db: Database, query: string): Uint8Array[][] {
  return (db.exec(query)[0]?.values ?? []).map((row) => row.filter((v) => v instanceof Uint8Array))
}

/**
 * Firefox's IndexedDB values and localStorage values, stored as raw Snappy blocks. Read once
 * the browser closed, when SQLite has moved its write-ahead log into the file.
 */
async function sqliteValues(content: Uint8Array): Promise<Uint8Array[]> {
  const db = new (await sql).Database(content)
  try {
    const names = new Set(
      (db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? []).map(([n]) =>
        String(n),
      ),
    )
    const values: Uint8Array[] = []
    if (names.has('object_data'))
      for (const [data] of rows(db, 'SELECT data FROM object_data')) values.push(snappyBlock(data!))
    if (names.has('data') && names.has('database'))
      for (const [value] of rows(db, 'SELECT value FROM data WHERE compression_type = 1'))
        values.push(snappyBlock(value!))
    return values
  } finally {
    db.close()
  }
}

/** What `content` holds once decompressed, in every form it was stored compressed; none if it is not. */
export async function decompressedForms(content: Uint8Array): Promise<Uint8Array[]> {
  if (startsWith(content, SNAPPY_STREAM)) return [snappyStream(content)]
  if (startsWith(content, MOZ_LZ4))
    return [
      lz4Block(content.subarray(12), Buffer.from(content.buffer, content.byteOffset + 8, 4).readUInt32LE()),
    ]
  if (startsWith(content, SQLITE)) return sqliteValues(content)
  return []
}
