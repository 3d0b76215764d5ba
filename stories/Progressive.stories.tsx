import type { Meta, StoryObj } from '@storybook/react-vite'
import { useRef } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { SecureImage, type ImageRecord } from '../src'
import { StoryProvider, WhenWorkerReady } from './support/StoryProvider'
import { slowFetcher } from './support/slowFetcher'
import { backendLoader, loadStoryBackend, type StoryBackend, type Loaded } from './support/storyBackend'
import { UNTIL, HANG } from '../test/support/hang'

const meta = {
  title: 'Components/SecureImage/Progressive',
  component: SecureImage,
  loaders: [backendLoader],
  args: { alt: 'A sample photo', width: 240, height: 180, record: null },
  argTypes: { record: { control: false }, preview: { control: false } },
  parameters: {
    docs: {
      description: {
        component:
          '`preview` shows a small encrypted version first; `loadFull` decides when the full image is fetched; `progress` renders while it downloads.',
      },
    },
  },
} satisfies Meta<typeof SecureImage>

export default meta
type Story = StoryObj<typeof meta>

const backendOf = (loaded: unknown) => (loaded as Loaded).backend

/** A new version of the image of record `index`. */
async function newVersion(index: number): Promise<ImageRecord> {
  const backend = await loadStoryBackend()
  return backend.update(backend.records[index]!.id)
}

/** The img, once it shows the preview, then once it shows the full image. */
async function previewThenFull(canvas: ReturnType<typeof within>, prefix: RegExp): Promise<void> {
  const img = (await canvas.findByAltText('A sample photo', {}, UNTIL)) as HTMLImageElement
  await waitFor(
    () => expect(img.dataset.preview === 'true' && img.complete && img.naturalWidth > 0).toBe(true),
    {
      timeout: HANG,
    },
  )
  const small = img.naturalWidth
  await expect(img.getAttribute('src')).toMatch(prefix)
  await waitFor(() => expect(img.naturalWidth).toBeGreaterThan(small * 5), UNTIL)
  await expect(img.dataset.preview).toBeUndefined()
  await expect(img.getAttribute('src')).toMatch(prefix)
}

export const ThumbnailThenFull: Story = {
  render: (args, { loaded }) => {
    const backend = backendOf(loaded)
    const record = backend.records[3]!
    return (
      <StoryProvider backend={backend} config={{ fetcher: slowFetcher(backend, { ids: [record.id] }) }}>
        <SecureImage {...args} record={record} preview={backend.previews[3]} style={{ objectFit: 'cover' }} />
      </StoryProvider>
    )
  },
  play: async ({ canvasElement }) => {
    await previewThenFull(within(canvasElement), /^blob:/)
  },
}

export const ThumbnailThenFullThroughWorker: Story = {
  // A version no story has shown yet: the worker, one per origin, may hold every earlier one
  // (a gallery shown through it), and a full image it holds is shown at once, without a preview.
  loaders: [async () => ({ fresh: await newVersion(4) })],
  render: (args, { loaded }) => {
    const backend = backendOf(loaded)
    const record = (loaded as { fresh: ImageRecord }).fresh
    return (
      <StoryProvider
        backend={backend}
        worker
        config={{ fetcher: slowFetcher(backend, { ids: [record.id] }) }}
      >
        <WhenWorkerReady>
          <SecureImage
            {...args}
            record={record}
            preview={backend.previews[4]}
            style={{ objectFit: 'cover' }}
          />
        </WhenWorkerReady>
      </StoryProvider>
    )
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await waitFor(() => expect(canvas.getByTestId('worker-status')).toHaveTextContent('worker: ready'), {
      // Past the provider's readyTimeout (30 s), so a busy machine fails only as the app would.
      timeout: HANG,
    })
    await previewThenFull(canvas, /^\/_img\//)
  },
}

function ManualGallery({ backend, args }: { backend: StoryBackend; args: Story['args'] }) {
  const loadRef = useRef<() => void>(null)
  return (
    <>
      <SecureImage
        {...args}
        alt="A sample photo"
        record={backend.records[5]}
        preview={backend.previews[5]}
        loadFull="manual"
        loadRef={loadRef}
        style={{ objectFit: 'cover' }}
      />
      <p>
        <button onClick={() => loadRef.current?.()}>Load full image</button>
      </p>
    </>
  )
}

export const ManualFullLoad: Story = {
  render: (args, { loaded }) => (
    <StoryProvider backend={backendOf(loaded)}>
      <ManualGallery backend={backendOf(loaded)} args={args} />
    </StoryProvider>
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const img = (await canvas.findByAltText('A sample photo', {}, UNTIL)) as HTMLImageElement
    await waitFor(() => expect(img.dataset.preview).toBe('true'), UNTIL)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await expect(img.dataset.preview).toBe('true')
    await userEvent.click(canvas.getByRole('button', { name: 'Load full image' }))
    await waitFor(() => expect(img.dataset.preview).toBeUndefined(), UNTIL)
    await expect(img.naturalWidth).toBeGreaterThan(100)
  },
}

export const DownloadProgress: Story = {
  render: (args, { loaded }) => {
    const backend = backendOf(loaded)
    return (
      <StoryProvider backend={backend} config={{ fetcher: slowFetcher(backend, { duration: 2500 }) }}>
        <SecureImage
          {...args}
          record={backend.records[6]}
          placeholder={
            <span style={{ display: 'inline-block', width: 240, height: 180, background: '#eee' }} />
          }
          progress={({ received, total }) => (
            <progress aria-label="Downloading" value={received} max={total} style={{ display: 'block' }} />
          )}
        />
      </StoryProvider>
    )
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    const bar = (await canvas.findByRole(
      'progressbar',
      { name: 'Downloading' },
      UNTIL,
    )) as HTMLProgressElement
    await waitFor(() => expect(bar.value).toBeGreaterThan(0), UNTIL)
    await expect(bar.value).toBeLessThan(bar.max)
    const img = (await canvas.findByAltText('A sample photo', {}, UNTIL)) as HTMLImageElement
    await waitFor(() => expect(img.complete && img.naturalWidth).toBeGreaterThan(0), UNTIL)
    await expect(canvas.queryByRole('progressbar')).toBeNull()
  },
}
