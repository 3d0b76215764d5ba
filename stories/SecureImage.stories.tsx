import type { Meta, StoryObj } from '@storybook/react-vite'
import { useState } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { SecureImage, type ImageRecord, type PixstoreConfig, type PixstoreErrorCode } from '../src'
import { createEndpointFetcher, WireState, type WireErrorState } from '../src/core'
import { encodeWirePayload } from '../src/testing'
import { StoryProvider, WhenWorkerReady } from './support/StoryProvider'
import { backendLoader, type StoryBackend, type Loaded } from './support/storyBackend'
import { UNTIL, HANG } from '../test/support/hang'

const meta = {
  title: 'Components/SecureImage',
  component: SecureImage,
  loaders: [backendLoader],
  args: { alt: 'A sample photo', width: 240, height: 180, record: null },
  argTypes: { record: { control: false } },
  parameters: {
    docs: {
      description: {
        component:
          'An `<img>` for an encrypted image. Every `<img>` prop passes through; `placeholder` shows while loading, `fallback` on error.',
      },
    },
  },
} satisfies Meta<typeof SecureImage>

export default meta
type Story = StoryObj<typeof meta>

const fallback = (error: { code: PixstoreErrorCode }) => (
  <p role="alert">Could not show the image: {error.code}</p>
)

/** Waits for the decoded image and returns its src. */
async function decoded(canvas: ReturnType<typeof within>, alt: string, timeout = 15_000): Promise<string> {
  const img = (await canvas.findByAltText(alt, {}, { timeout })) as HTMLImageElement
  await waitFor(() => expect(img.complete && img.naturalWidth > 0 && img.getAttribute('src')).toBeTruthy(), {
    timeout,
  })
  return img.getAttribute('src')!
}

export const Loading: Story = {
  render: (args, { loaded }) => (
    <StoryProvider
      backend={(loaded as Loaded).backend}
      config={{ fetcher: () => new Promise(() => undefined) }}
    >
      <SecureImage
        {...args}
        record={(loaded as Loaded).backend.records[0]}
        placeholder={<em>Decrypting…</em>}
      />
    </StoryProvider>
  ),
  play: async ({ canvasElement }) => {
    const busy = await within(canvasElement).findByRole('img', { name: 'A sample photo' })
    await expect(busy).toHaveAttribute('aria-busy', 'true')
    await expect(busy).toHaveTextContent('Decrypting…')
  },
}

export const LoadedThroughObjectUrl: Story = {
  render: (args, { loaded }) => (
    <StoryProvider backend={(loaded as Loaded).backend}>
      <SecureImage {...args} record={(loaded as Loaded).backend.records[1]} />
    </StoryProvider>
  ),
  play: async ({ canvasElement }) => {
    await expect(await decoded(within(canvasElement), 'A sample photo')).toMatch(/^blob:/)
  },
}

export const LoadedThroughWorker: Story = {
  render: (args, { loaded }) => (
    <StoryProvider backend={(loaded as Loaded).backend} worker>
      <WhenWorkerReady>
        <SecureImage {...args} record={(loaded as Loaded).backend.records[2]} />
      </WhenWorkerReady>
    </StoryProvider>
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await waitFor(() => expect(canvas.getByTestId('worker-status')).toHaveTextContent('worker: ready'), {
      // Past the provider's readyTimeout (30 s), so a busy machine fails only as the app would.
      timeout: HANG,
    })
    await waitFor(async () => expect(await decoded(canvas, 'A sample photo')).toMatch(/^\/_img\//), {
      timeout: HANG,
    })
  },
}

function errorStory(
  code: PixstoreErrorCode,
  setup: (backend: StoryBackend) => { record: ImageRecord; config?: PixstoreConfig },
): Story {
  return {
    render: (args, { loaded }) => {
      const { record, config } = setup((loaded as Loaded).backend)
      return (
        <StoryProvider backend={(loaded as Loaded).backend} config={config}>
          <SecureImage {...args} record={record} fallback={fallback} />
        </StoryProvider>
      )
    },
    play: async ({ canvasElement }) => {
      const alert = await within(canvasElement).findByRole('alert', {}, UNTIL)
      await expect(alert).toHaveTextContent(`Could not show the image: ${code}`)
    },
  }
}

const answering = (state: WireErrorState): PixstoreConfig => ({
  fetcher: async () => encodeWirePayload({ state }),
})

export const NotFound = errorStory('not-found', (b) => ({ record: b.deleted }))
export const InvalidProof = errorStory('invalid-proof', (b) => ({
  record: { ...b.records[3]!, statelessProof: 'AAAAAAAAAAA=' },
}))
export const MissingProof = errorStory('missing-proof', (b) => ({
  record: { ...b.records[3]!, statelessProof: '' },
}))
export const ServerError = errorStory('server-error', (b) => ({
  record: b.records[3]!,
  config: answering(WireState.InternalError),
}))
export const BadPayload = errorStory('bad-payload', (b) => ({
  record: b.records[3]!,
  config: { fetcher: async () => Uint8Array.of(42, 0, 0) },
}))
export const DecryptFailed = errorStory('decrypt-failed', (b) => ({
  record: { ...b.records[3]!, meta: b.records[4]!.meta },
}))
export const UnsupportedFormat = errorStory('unsupported-format', (b) => ({
  record: b.jpeg,
  config: { imageFormats: ['png', 'webp'] },
}))
export const Timeout = errorStory('timeout', (b) => ({
  record: b.records[3]!,
  config: { timeout: 200, fetcher: () => new Promise(() => undefined) },
}))
export const NetworkError = errorStory('network', (b) => ({
  record: b.records[3]!,
  config: {
    fetcher: createEndpointFetcher({ fetch: () => Promise.reject(new TypeError('Failed to fetch')) }),
  },
}))
export const HttpStatus = errorStory('http-status', (b) => ({
  record: b.records[3]!,
  config: {
    fetcher: createEndpointFetcher({
      fetch: async () => new Response('Service unavailable', { status: 503 }),
    }),
  },
}))

function Versioned({ backend, alt }: { backend: StoryBackend; alt: string }) {
  const [record, setRecord] = useState(backend.records[5]!)
  const [busy, setBusy] = useState(false)
  return (
    <div>
      <SecureImage record={record} alt={alt} width={240} height={180} data-token={record.token} />
      <p>
        <button
          disabled={busy}
          onClick={async () => {
            setBusy(true)
            setRecord(await backend.update(record.id))
            setBusy(false)
          }}
        >
          Upload a new version
        </button>{' '}
        token {record.token}
      </p>
    </div>
  )
}

export const TokenUpdateWhileShown: Story = {
  render: (args, { loaded }) => (
    <StoryProvider backend={(loaded as Loaded).backend}>
      <Versioned backend={(loaded as Loaded).backend} alt={args.alt} />
    </StoryProvider>
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const first = await decoded(canvas, 'A sample photo')
    await userEvent.click(canvas.getByRole('button', { name: 'Upload a new version' }))
    // The old image stays until the new version has decoded, then swaps.
    await waitFor(async () => expect(await decoded(canvas, 'A sample photo')).not.toBe(first), {
      timeout: HANG,
    })
  },
}

export const PlaceholderAndFallback: Story = {
  render: (args, { loaded }) => {
    const { backend } = loaded as Loaded
    return (
      <div style={{ display: 'flex', gap: 16 }}>
        <StoryProvider backend={backend} config={{ fetcher: () => new Promise(() => undefined) }}>
          <SecureImage
            {...args}
            alt="Still loading"
            record={backend.records[6]}
            placeholder={<span>⏳ loading</span>}
          />
        </StoryProvider>
        <StoryProvider backend={backend}>
          <SecureImage
            {...args}
            alt="Missing"
            record={{ ...backend.records[6]!, id: 'gone' }}
            placeholder={<span>⏳ loading</span>}
            fallback={<span role="alert">🖼️ unavailable</span>}
          />
        </StoryProvider>
        <StoryProvider backend={backend}>
          <SecureImage
            {...args}
            alt="Shown"
            record={backend.records[6]}
            placeholder={<span>⏳ loading</span>}
          />
        </StoryProvider>
      </div>
    )
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await expect(canvas.getByRole('img', { name: 'Still loading' })).toHaveTextContent('⏳ loading')
    await expect(await canvas.findByRole('alert')).toHaveTextContent('🖼️ unavailable')
    await expect(await decoded(canvas, 'Shown')).toMatch(/^blob:/)
  },
}

/** The backend is down for the first four requests (one try and three retries), then back. */
function flakyFetcher(backend: StoryBackend): NonNullable<PixstoreConfig['fetcher']> {
  const inner = backend.fetcher ?? createEndpointFetcher()
  let failures = 0
  return async (record, context, signal) => {
    if (failures++ < 4) throw new TypeError('Failed to fetch')
    return inner(record, context, signal)
  }
}

export const FallbackWithRetry: Story = {
  render: (args, { loaded }) => {
    const { backend } = loaded as Loaded
    return (
      <StoryProvider backend={backend} config={{ fetcher: flakyFetcher(backend) }}>
        <SecureImage
          {...args}
          record={backend.records[7]}
          fallback={(error, retry) => (
            <p role="alert">
              Could not load the image ({error.code}). <button onClick={retry}>Try again</button>
            </p>
          )}
        />
      </StoryProvider>
    )
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await expect(await canvas.findByRole('alert', {}, UNTIL)).toHaveTextContent('network')
    await userEvent.click(canvas.getByRole('button', { name: 'Try again' }))
    await expect(await decoded(canvas, 'A sample photo')).toMatch(/^blob:/)
  },
}
