import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, waitFor, within } from 'storybook/test'
import { SecureImage, type ImageRecord } from '../src'
import { StoryProvider, WhenWorkerReady } from './support/StoryProvider'
import { backendLoader, type Loaded } from './support/storyBackend'
import { HANG } from '../test/support/hang'

/** A grid of encrypted images, as an app would render one. */
function Gallery({ records }: { records: ImageRecord[] }) {
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(120px, 1fr))', gap: 6 }}>
      {records.map((record) => (
        <SecureImage
          key={record.id}
          record={record}
          alt={`Photo ${record.id}`}
          style={{
            width: '100%',
            aspectRatio: '4 / 3',
            objectFit: 'cover',
            display: 'block',
            background: '#e5e5e5',
          }}
          placeholder={<div style={{ width: '100%', aspectRatio: '4 / 3', background: '#e5e5e5' }} />}
          fallback={(error) => <div role="alert">{error.code}</div>}
        />
      ))}
    </div>
  )
}

const meta = {
  title: 'Examples/Gallery',
  component: Gallery,
  loaders: [backendLoader],
  args: { records: [] },
  argTypes: { records: { control: false } },
  parameters: {
    docs: {
      description: { component: 'More than 100 encrypted images, with and without the service worker.' },
    },
  },
} satisfies Meta<typeof Gallery>

export default meta
type Story = StoryObj<typeof meta>

async function allDecoded(canvasElement: HTMLElement, count: number, prefix: string) {
  await waitFor(
    () => {
      const images = [...canvasElement.querySelectorAll('img')]
      expect(images.length).toBe(count)
      expect(
        images.every(
          (img) => img.complete && img.naturalWidth > 0 && img.getAttribute('src')!.startsWith(prefix),
        ),
      ).toBe(true)
    },
    { timeout: HANG, interval: 200 },
  )
}

export const WithServiceWorker: Story = {
  render: (_, { loaded }) => (
    <StoryProvider backend={(loaded as Loaded).backend} worker>
      <WhenWorkerReady>
        <Gallery records={(loaded as Loaded).backend.records} />
      </WhenWorkerReady>
    </StoryProvider>
  ),
  play: async ({ canvasElement, loaded }) => {
    const { records } = (loaded as Loaded).backend
    await expect(records.length).toBeGreaterThanOrEqual(100)
    await waitFor(
      () => expect(within(canvasElement).getByTestId('worker-status')).toHaveTextContent('ready'),
      {
        timeout: HANG,
      },
    )
    await allDecoded(canvasElement, records.length, '/_img/')
  },
}

export const WithObjectUrls: Story = {
  render: (_, { loaded }) => (
    <StoryProvider backend={(loaded as Loaded).backend}>
      <Gallery records={(loaded as Loaded).backend.records} />
    </StoryProvider>
  ),
  play: async ({ canvasElement, loaded }) => {
    await allDecoded(canvasElement, (loaded as Loaded).backend.records.length, 'blob:')
  },
}
