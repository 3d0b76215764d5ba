import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { SecureImage, useClearImageCache, useImageCacheStats, usePixstore, type ImageRecord } from '../src'
import { StoryProvider } from './support/StoryProvider'
import { backendLoader, type Loaded } from './support/storyBackend'
import { UNTIL } from '../test/support/hang'

/** Live cache statistics with actions: what an app's settings page might show. */
function CacheInspector({ records }: { records: ImageRecord[] }) {
  const stats = useImageCacheStats()
  const service = usePixstore()
  const clear = useClearImageCache()
  return (
    <div>
      <dl style={{ display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '4px 12px' }}>
        <dt>Cached images</dt>
        <dd data-testid="entries">{stats?.entries ?? '…'}</dd>
        <dt>Encrypted bytes</dt>
        <dd data-testid="bytes">{stats ? `${(stats.bytes / 1024).toFixed(1)} KiB` : '…'}</dd>
      </dl>
      <button onClick={() => void service.deleteCachedImage(records[0]!.id)}>Evict the first image</button>{' '}
      <button onClick={() => void clear()}>Clear the cache</button>
      <div style={{ display: 'flex', gap: 6, marginTop: 12 }}>
        {records.map((record) => (
          <SecureImage
            key={record.id}
            record={record}
            alt={record.id}
            width={96}
            height={72}
            placeholder={<span data-testid="held">…</span>}
          />
        ))}
      </div>
    </div>
  )
}

const meta = {
  title: 'Examples/CacheInspector',
  component: CacheInspector,
  loaders: [backendLoader],
  args: { records: [] },
  argTypes: { records: { control: false } },
  parameters: {
    docs: {
      description: {
        component:
          '`useImageCacheStats` updates live; evicting and clearing change it at once. After a clear (a logout) the images on screen show their placeholder and fetch nothing until they remount.',
      },
    },
  },
} satisfies Meta<typeof CacheInspector>

export default meta
type Story = StoryObj<typeof meta>

export const Live: Story = {
  render: (_, { loaded }) => (
    <StoryProvider backend={(loaded as Loaded).backend}>
      <CacheInspector records={(loaded as Loaded).backend.records.slice(10, 16)} />
    </StoryProvider>
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await waitFor(() => expect(canvas.getByTestId('entries')).toHaveTextContent('6'), UNTIL)
    await userEvent.click(canvas.getByRole('button', { name: 'Evict the first image' }))
    await waitFor(() => expect(canvas.getByTestId('entries')).toHaveTextContent('5'))
    await userEvent.click(canvas.getByRole('button', { name: 'Clear the cache' }))
    // Cleared: the images on screen hold their placeholders and nothing is fetched back.
    await waitFor(() => expect(canvas.getByTestId('entries')).toHaveTextContent('0'))
    await waitFor(() => expect(canvas.getAllByTestId('held')).toHaveLength(6))
    expect(canvasElement.querySelectorAll('img[src]')).toHaveLength(0)
  },
}
