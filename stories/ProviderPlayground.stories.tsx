import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, waitFor, within } from 'storybook/test'
import { SecureImage, useImageCacheStats, useWorkerStatus, type ImageFormat } from '../src'
import { StoryProvider } from './support/StoryProvider'
import { backendLoader, type StoryBackend, type Loaded } from './support/storyBackend'
import { UNTIL, HANG } from '../test/support/hang'

interface PlaygroundProps {
  /** Images shown. */
  count: number
  /** `cache.maxEntries` */
  maxEntries: number
  /** `cache.maxBytes` */
  maxBytes: number
  /** `timeout` in ms */
  timeout: number
  /** `imageFormats`: must match the backend */
  imageFormats: ImageFormat[]
  /** Use the service worker path */
  serviceWorker: boolean
}

function Stats() {
  const stats = useImageCacheStats()
  const worker = useWorkerStatus()
  return (
    <p data-testid="stats">
      {stats ? `${stats.entries} cached, ${(stats.bytes / 1024).toFixed(0)} KiB` : '…'} · worker {worker}
    </p>
  )
}

function Playground(props: PlaygroundProps & { backend: StoryBackend }) {
  const { backend, count, maxEntries, maxBytes, timeout, imageFormats, serviceWorker } = props
  return (
    // A new key remounts the provider: its config is read once.
    <StoryProvider
      key={JSON.stringify({ maxEntries, maxBytes, timeout, imageFormats, serviceWorker })}
      backend={backend}
      worker={serviceWorker}
      config={{ cache: { maxEntries, maxBytes }, timeout, imageFormats }}
    >
      <Stats />
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 6 }}>
        {backend.records.slice(30, 30 + count).map((record) => (
          <SecureImage
            key={record.id}
            record={record}
            alt={record.id}
            width={96}
            height={72}
            fallback={(e) => <span role="alert">{e.code}</span>}
          />
        ))}
      </div>
    </StoryProvider>
  )
}

const meta = {
  title: 'Examples/ProviderPlayground',
  loaders: [backendLoader],
  args: {
    count: 12,
    maxEntries: 8,
    maxBytes: 256 * 1024 * 1024,
    timeout: 30_000,
    imageFormats: ['png', 'webp', 'jpg', 'jpeg'],
    serviceWorker: false,
  },
  argTypes: {
    count: { control: { type: 'range', min: 1, max: 60 } },
    maxEntries: { control: { type: 'number', min: 1 } },
    maxBytes: { control: { type: 'number', min: 1024 } },
    timeout: { control: { type: 'number', min: 50 } },
    imageFormats: { control: 'check', options: ['png', 'webp', 'jpg', 'jpeg', 'gif', 'avif'] },
  },
  render: (args, { loaded }) => <Playground {...args} backend={(loaded as Loaded).backend} />,
} satisfies Meta<PlaygroundProps>

export default meta
type Story = StoryObj<typeof meta>

export const CacheLimits: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await waitFor(() => expect(canvasElement.querySelectorAll('img[src]').length).toBe(12), {
      timeout: HANG,
    })
    // Twelve shown, at most eight kept by the LRU policy.
    await waitFor(() => expect(canvas.getByTestId('stats')).toHaveTextContent(/^8 cached/), {
      timeout: HANG,
    })
  },
}

/** A list shorter than the backend's: PNG (byte 1) still shows, JPEG and WebP are unsupported. */
export const WrongFormats: Story = {
  args: { count: 3, imageFormats: ['png'] },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await waitFor(() => expect(canvas.getAllByRole('alert')).toHaveLength(2), UNTIL)
    await expect(canvas.getAllByRole('alert').map((a) => a.textContent)).toEqual([
      'unsupported-format',
      'unsupported-format',
    ])
    await waitFor(() => expect(canvasElement.querySelectorAll('img[src]')).toHaveLength(1), {
      timeout: HANG,
    })
  },
}
