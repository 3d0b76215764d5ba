import { galleryRecords } from '../../../lib/pixstoreBackend'

export const dynamic = 'force-dynamic'

/** The gallery's records. They carry keys: never cached, by the browser or anyone between. */
export async function GET() {
  return Response.json(await galleryRecords(), { headers: { 'Cache-Control': 'no-store' } })
}
