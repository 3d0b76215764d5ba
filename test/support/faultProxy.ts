// A fault-injecting HTTP proxy in front of the real pixstore 3 backend. Each image id has a
// queue of faults; a request for the id takes the next one, or passes through untouched.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startPixstoreBackend } from '../../dev/pixstoreBackend.ts'

/**
 * - `reset`: headers and half the body, then the connection is destroyed.
 * - `status-500`, `status-502`, `status-503`: that status, no pixstore body.
 * - `slow`: headers and a quarter of the body, then nothing until the client gives up.
 * - `truncate`: a well-formed response whose body is the first half of the payload.
 * - `wrong-length`: the whole body under a Content-Length 1000 bytes longer, then close.
 * - `swap`: the last good body served for a different image (a tag mismatch).
 */
export type Fault =
  'reset' | 'status-500' | 'status-502' | 'status-503' | 'slow' | 'truncate' | 'wrong-length' | 'swap'

export interface FaultProxy {
  url: string
  /** Queues faults for the next requests of an image. */
  plan(id: string, faults: Fault[]): void
  /** GET requests seen for an image, faulted or not. */
  requests(id: string): number
}

const CORS = { 'access-control-allow-origin': '*' }

async function upstream(
  base: string,
  req: IncomingMessage,
): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string' && name !== 'host' && name !== 'connection') headers.set(name, value)
  }
  const answer = await fetch(base + req.url, { method: req.method, headers })
  return { status: answer.status, headers: answer.headers, body: Buffer.from(await answer.arrayBuffer()) }
}

function send(res: ServerResponse, status: number, headers: Headers, body: Buffer): void {
  const out: Record<string, string> = {}
  headers.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'content-encoding' && name !== 'transfer-encoding')
      out[name] = value
  })
  res.writeHead(status, { ...out, 'content-length': String(body.length) })
  res.end(body)
}

const holder = globalThis as { __faultProxy?: Promise<FaultProxy> }

/** Starts (once per process) the proxy on 127.0.0.1 in front of the real backend. */
export function startFaultProxy(): Promise<FaultProxy> {
  holder.__faultProxy ??= (async () => {
    const backend = await startPixstoreBackend()
    const queues = new Map<string, Fault[]>()
    const counts = new Map<string, number>()
    const lastGood = new Map<string, Buffer>()

    const server = createServer((req, res) => {
      const id = decodeURIComponent((req.url ?? '').split('?')[0]!.replace(/^\/pixstore-image\//, ''))
      const fault = req.method === 'GET' ? queues.get(id)?.shift() : undefined
      if (req.method === 'GET') counts.set(id, (counts.get(id) ?? 0) + 1)
      if (fault?.startsWith('status-')) {
        res.writeHead(Number(fault.slice(7)), { ...CORS, 'content-type': 'text/plain' })
        res.end('injected fault')
        return
      }
      void upstream(backend.baseUrl, req).then(
        ({ status, headers, body }) => {
          const head = { ...CORS, 'content-type': 'application/octet-stream' }
          switch (fault) {
            case undefined:
              if (status === 200 && req.method === 'GET') lastGood.set(id, body)
              return send(res, status, headers, body)
            case 'reset':
              res.writeHead(200, { ...head, 'content-length': String(body.length) })
              res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20))
              return
            case 'slow':
              res.writeHead(200, { ...head, 'content-length': String(body.length) })
              res.write(body.subarray(0, body.length >> 2))
              // Held open until the client gives up (or a minute passes).
              setTimeout(() => res.socket?.destroy(), 60_000).unref()
              return
            case 'truncate':
              return send(res, 200, headers, body.subarray(0, body.length >> 1))
            case 'wrong-length':
              res.writeHead(200, { ...head, 'content-length': String(body.length + 1000) })
              // Ends the socket, not the response: Node would refuse the mismatch itself.
              res.write(body, () => res.socket?.end())
              return
            case 'swap': {
              const other = [...lastGood].find(([key]) => key !== id)
              if (!other) throw new Error('swap needs a good answer for another image first')
              return send(res, 200, headers, other[1])
            }
          }
        },
        (error: unknown) => {
          res.writeHead(599, CORS)
          res.end(String(error))
        },
      )
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    server.unref()
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      plan: (id, faults) => void queues.set(id, [...(queues.get(id) ?? []), ...faults]),
      requests: (id) => counts.get(id) ?? 0,
    }
  })()
  return holder.__faultProxy
}
