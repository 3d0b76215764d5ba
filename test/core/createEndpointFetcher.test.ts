import { describe, expect, it } from 'vitest'
import { createEndpointFetcher, createImageService, PixstoreError, type ImageRecord } from '../../src/core'

const record: ImageRecord = {
  id: 'students:a/b c?',
  token: 1750000000123,
  meta: { key: '', iv: '', tag: '' },
  statelessProof: 'cHJvb2Y=',
}

function recorder(respond: () => Response | Promise<Response> = () => new Response(Uint8Array.of(2))) {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = []
  const fetch: typeof globalThis.fetch = async (input, init) => {
    calls.push({ url: String(input), init })
    return respond()
  }
  return { calls, fetch }
}

const signal = () => new AbortController().signal

/** A streamed response: the chunks one by one, with their total as Content-Length. */
function streamed(chunks: Uint8Array[], withLength = true): Response {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0)
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      chunks.forEach((chunk) => controller.enqueue(chunk))
      controller.close()
    },
  })
  return new Response(body, { headers: withLength ? { 'content-length': String(total) } : {} })
}

describe('createEndpointFetcher', () => {
  it('reports download progress chunk by chunk, against Content-Length when there is one', async () => {
    const chunks = [Uint8Array.of(2, 1, 1), Uint8Array.of(4, 5), Uint8Array.of(6)]
    const seen: unknown[] = []
    const fetcher = createEndpointFetcher({ fetch: recorder(() => streamed(chunks)).fetch })
    const body = await fetcher(record, undefined, signal(), (progress) => seen.push(progress))
    expect(body).toEqual(Uint8Array.of(2, 1, 1, 4, 5, 6))
    expect(seen).toEqual([
      { received: 0, total: 6 },
      { received: 3, total: 6 },
      { received: 5, total: 6 },
      { received: 6, total: 6 },
    ])
    const unknown: unknown[] = []
    const noLength = createEndpointFetcher({ fetch: recorder(() => streamed(chunks, false)).fetch })
    await noLength(record, undefined, signal(), (progress) => unknown.push(progress))
    expect(unknown.at(-1)).toEqual({ received: 6, total: undefined })
  })

  it('requests {baseUrl}{route}/{encoded id} with proof and token headers', async () => {
    const { calls, fetch } = recorder()
    const body = await createEndpointFetcher({ baseUrl: 'https://api.example.com/', fetch })(
      record,
      undefined,
      signal(),
    )
    expect(body).toEqual(Uint8Array.of(2))
    expect(calls[0]!.url).toBe('https://api.example.com/pixstore-image/students%3Aa%2Fb%20c%3F')
    expect(calls[0]!.init?.method).toBe('GET')
    expect(calls[0]!.init?.headers).toEqual({
      'x-pixstore-proof': 'cHJvb2Y=',
      'x-pixstore-token': '1750000000123',
    })
  })

  it('is same-origin by default and takes a custom route and headers', async () => {
    const { calls, fetch } = recorder()
    await createEndpointFetcher({ fetch })(record, undefined, signal())
    await createEndpointFetcher({
      fetch,
      baseUrl: '/api',
      route: '/img',
      headers: { authorization: 'Bearer t' },
    })({ ...record, id: 'x', statelessProof: '' }, undefined, signal())
    expect(calls[0]!.url).toMatch(/^\/pixstore-image\//)
    expect(calls[1]!.url).toBe('/api/img/x')
    expect(calls[1]!.init?.headers).toEqual({
      authorization: 'Bearer t',
      'x-pixstore-token': '1750000000123',
    })
  })

  it('maps a non-2xx answer to http-status and a failed request to network', async () => {
    const failing = createEndpointFetcher({
      fetch: recorder(() => new Response('no', { status: 503 })).fetch,
    })
    const error = await failing(record, undefined, signal()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PixstoreError)
    expect(error).toMatchObject({ code: 'http-status', status: 503, retryable: true })
    const forbidden = createEndpointFetcher({
      fetch: recorder(() => new Response('no', { status: 403 })).fetch,
    })
    await expect(forbidden(record, undefined, signal())).rejects.toMatchObject({
      code: 'http-status',
      status: 403,
      retryable: false,
    })
    const offline = createEndpointFetcher({
      fetch: recorder(() => {
        throw new TypeError('Failed to fetch')
      }).fetch,
    })
    await expect(offline(record, undefined, signal())).rejects.toMatchObject({
      code: 'network',
      retryable: true,
    })
  })

  it('asks the browser to keep nothing and send credentials to its own origin only, and trims slashes off baseUrl', async () => {
    const { calls, fetch } = recorder()
    await createEndpointFetcher({ fetch, baseUrl: 'https://api.example.com///' })(record, undefined, signal())
    expect(calls[0]!.url).toMatch(/^https:\/\/api\.example\.com\/pixstore-image\//)
    expect(calls[0]!.init).toMatchObject({ cache: 'no-store', credentials: 'same-origin' })
  })

  it('says which image failed and why, and keeps the cause', async () => {
    const cause = new TypeError('Failed to fetch')
    const offline = createEndpointFetcher({
      fetch: recorder(() => {
        throw cause
      }).fetch,
    })
    await expect(offline(record, undefined, signal())).rejects.toMatchObject({
      message: `Request for image ${record.id} failed`,
      cause,
    })
    // An error answer without a body is still an http-status error.
    const empty = createEndpointFetcher({ fetch: recorder(() => new Response(null, { status: 500 })).fetch })
    await expect(empty(record, undefined, signal())).rejects.toMatchObject({
      code: 'http-status',
      message: 'Image endpoint answered 500',
    })
    const broken = new Error('connection reset')
    const cut = () =>
      new Response(
        new ReadableStream({
          start: (controller) => {
            controller.enqueue(Uint8Array.of(2, 1))
            controller.error(broken)
          },
        }),
      )
    for (const onProgress of [undefined, () => undefined]) {
      const reading = createEndpointFetcher({ fetch: recorder(cut).fetch })
      await expect(reading(record, undefined, signal(), onProgress)).rejects.toMatchObject({
        code: 'network',
        message: `Reading image ${record.id} failed`,
        cause: broken,
      })
    }
  })

  it('rethrows an abort as it came, for the caller to tell a cancel from a timeout', async () => {
    const controller = new AbortController()
    const abort = new DOMException('The operation was aborted', 'AbortError')
    const fetching = createEndpointFetcher({
      fetch: recorder(() => {
        controller.abort()
        throw abort
      }).fetch,
    })
    await expect(fetching(record, undefined, controller.signal)).rejects.toBe(abort)
    const reading = new AbortController()
    const stopped = new Error('stopped')
    const body = () =>
      new Response(
        new ReadableStream({
          pull: (stream) => {
            reading.abort()
            stream.error(stopped)
          },
        }),
      )
    const fetcher = createEndpointFetcher({ fetch: recorder(body).fetch })
    await expect(fetcher(record, undefined, reading.signal)).rejects.toBe(stopped)
  })

  it('passes the signal down, so a service abort or timeout cancels the request', async () => {
    let seen: AbortSignal | undefined
    const fetch: typeof globalThis.fetch = (_input, init) =>
      new Promise((_, reject) => {
        seen = init?.signal ?? undefined
        seen?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
      })
    const service = createImageService({ endpoint: { fetch }, timeout: 20, cache: { openTimeout: 10 } })
    await expect(service.getImage(record)).rejects.toMatchObject({ code: 'timeout' })
    expect(seen?.aborted).toBe(true)
    const controller = new AbortController()
    const pending = service.getImage({ ...record, token: 2 }, { signal: controller.signal })
    controller.abort()
    await expect(pending).rejects.toMatchObject({ code: 'aborted' })
  })
})
