import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { SecureImage, useClearImageCache, useImageCacheStats, type ImageRecord } from '../src'
import { StoryProvider } from './support/StoryProvider'
import { backendLoader, type Loaded } from './support/storyBackend'
import { HANG } from '../test/support/hang'

/**
 * `useImageCacheStats()`: entries and bytes of the encrypted cache, live; `useClearImageCache()`
 * returns the logout that empties it.
 */
function CacheSize({ records }: { records: readonly ImageRecord[] }) {
  const stats = useImageCacheStats()
  const clear = useClearImageCache()
  return (
    <div>
      <p data-testid="stats">{stats ? `${stats.entries} images cached` : '…'}</p>
      <button onClick={() => void clear()}>Log out</button>
      <div style={{ display: 'flex', gap: 6 }}>
        {records.map((record) => (
          <SecureImage key={record.id} record={record} alt={record.id} width={96} height={72} />
        ))}
      </div>
    </div>
  )
}

const meta = {
  title: 'Hooks/useImageCacheStats',
  component: CacheSize,
  loaders: [backendLoader],
  args: { records: [] },
  argTypes: { records: { control: false } },
} satisfies Meta<typeof CacheSize>

export default meta
type Story = StoryObj<typeof meta>

export const LiveThenCleared: Story = {
  render: (_, { loaded }) => (
    <StoryProvider backend={(loaded as Loaded).backend}>
      <CacheSize records={(loaded as Loaded).backend.records.slice(50, 53)} />
    </StoryProvider>
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await waitFor(() => expect(canvas.getByTestId('stats')).toHaveTextContent('3 images cached'), {
      timeout: HANG,
    })
    await userEvent.click(canvas.getByRole('button', { name: 'Log out' }))
    await waitFor(() => expect(canvas.getByTestId('stats')).toHaveTextContent('0 images cached'))
  },
}
