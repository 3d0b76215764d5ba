import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, waitFor, within } from 'storybook/test'
import { useImageCacheStats, usePrefetchImages, type ImageRecord } from '../src'
import { StoryProvider } from './support/StoryProvider'
import { backendLoader, type Loaded } from './support/storyBackend'
import { HANG } from '../test/support/hang'

/** `usePrefetchImages(records)`: fetches and caches the ciphertext of images not shown yet (the next page). */
function Prefetch({ records }: { records: readonly ImageRecord[] }) {
  usePrefetchImages(records)
  const stats = useImageCacheStats()
  return <p data-testid="cached">{stats ? `${stats.entries} cached, none shown` : '…'}</p>
}

const meta = {
  title: 'Hooks/usePrefetchImages',
  component: Prefetch,
  loaders: [backendLoader],
  args: { records: [] },
  argTypes: { records: { control: false } },
} satisfies Meta<typeof Prefetch>

export default meta
type Story = StoryObj<typeof meta>

export const NextPage: Story = {
  render: (_, { loaded }) => (
    <StoryProvider backend={(loaded as Loaded).backend}>
      <Prefetch records={(loaded as Loaded).backend.records.slice(40, 46)} />
    </StoryProvider>
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await waitFor(() => expect(canvas.getByTestId('cached')).toHaveTextContent('6 cached, none shown'), {
      timeout: HANG,
    })
    await expect(canvasElement.querySelectorAll('img')).toHaveLength(0)
  },
}
