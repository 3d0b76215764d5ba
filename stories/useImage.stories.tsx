import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, waitFor, within } from 'storybook/test'
import { useImage, type ImageRecord } from '../src'
import { StoryProvider } from './support/StoryProvider'
import { backendLoader, type Loaded } from './support/storyBackend'
import { HANG } from '../test/support/hang'

/** `useImage` used directly: the hook's state, and an `<img>` of its object URL. */
function ImageState({ record }: { record: ImageRecord | null }) {
  const { url, status, error, isLoading, blob } = useImage(record)
  return (
    <div>
      <dl style={{ display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '4px 12px' }}>
        <dt>status</dt>
        <dd data-testid="status">{status}</dd>
        <dt>isLoading</dt>
        <dd>{String(isLoading)}</dd>
        <dt>blob</dt>
        <dd data-testid="blob">{blob ? `${blob.type}, ${blob.size} bytes` : '–'}</dd>
        <dt>error</dt>
        <dd>{error?.code ?? '–'}</dd>
      </dl>
      {url && <img src={url} alt="From useImage" width={240} height={180} />}
    </div>
  )
}

const meta = {
  title: 'Hooks/useImage',
  component: ImageState,
  loaders: [backendLoader],
  args: { record: null },
  argTypes: { record: { control: false } },
} satisfies Meta<typeof ImageState>

export default meta
type Story = StoryObj<typeof meta>

export const Success: Story = {
  render: (_, { loaded }) => (
    <StoryProvider backend={(loaded as Loaded).backend}>
      <ImageState record={(loaded as Loaded).backend.records[20]!} />
    </StoryProvider>
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await waitFor(() => expect(canvas.getByTestId('status')).toHaveTextContent('success'), {
      timeout: HANG,
    })
    await expect(canvas.getByTestId('blob')).toHaveTextContent(/^image\/(jpeg|png|webp), \d+ bytes$/)
    await expect(canvas.getByAltText('From useImage')).toHaveAttribute('src', expect.stringMatching(/^blob:/))
  },
}

export const Disabled: Story = {
  render: (_, { loaded }) => (
    <StoryProvider backend={(loaded as Loaded).backend}>
      <ImageState record={null} />
    </StoryProvider>
  ),
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByTestId('status')).toHaveTextContent('pending')
    await expect(within(canvasElement).queryByAltText('From useImage')).toBeNull()
  },
}
