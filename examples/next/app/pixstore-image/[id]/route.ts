import { customEndpointHelper } from 'pixstore/backend/index.js'
import { pixstoreReady } from '../../../lib/pixstoreBackend'

/**
 * pixstore's wire endpoint on the app's origin, where the kit looks by default
 * (`/pixstore-image/{id}`): ciphertext only, checked against the proof and token headers.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  await pixstoreReady()
  const { id } = await params
  const token = Number(request.headers.get('x-pixstore-token') ?? Number.NaN)
  const proof = request.headers.get('x-pixstore-proof') ?? ''
  const payload = await customEndpointHelper(id, token, proof)
  if (!payload) return new Response('Not found', { status: 404 })
  return new Response(new Uint8Array(payload), {
    headers: {
      'Content-Type': 'application/octet-stream',
      // The answer depends on the token header, and an Updated answer carries a key.
      'Cache-Control': 'no-store',
      Vary: 'x-pixstore-token',
    },
  })
}
