import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { useSecureImage, type ImageRecord, type UseSecureImageOptions } from '../src'
import { StoryProvider } from './support/StoryProvider'
import { backendLoader, type Loaded } from './support/storyBackend'
import { UNTIL, HANG } from '../test/support/hang'

/**
 * `useSecureImage(record, options)`: the state `<SecureImage>` renders from, for an app that
 * draws its own `<img>`. Its props are the hook's arguments.
 */
function SecureImageState({ record, ...options }: { record: ImageRecord | null } & UseSecureImageOptions) {
  const { status, via, isPreview, error, img, load } = useSecureImage(record, options)
  return (
    <div>
      <dl style={{ display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '4px 12px' }}>
        <dt>status</dt>
        <dd data-testid="status">{status}</dd>
        <dt>via</dt>
        <dd data-testid="via">{via ?? '–'}</dd>
        <dt>isPreview</dt>
        <dd data-testid="preview">{String(isPreview)}</dd>
        <dt>error</dt>
        <dd>{error?.code ?? '–'}</dd>
      </dl>
      <button onClick={load}>load()</button>
      {img.src && <img {...img} alt="From useSecureImage" width={240} height={180} />}
    </div>
  )
}

const meta = {
  title: 'Hooks/useSecureImage',
  component: SecureImageState,
  loaders: [backendLoader],
  args: { record: null },
  argTypes: { record: { control: false }, preview: { control: false } },
} satisfies Meta<typeof SecureImageState>

export default meta
type Story = StoryObj<typeof meta>

export const ObjectUrl: Story = {
  render: (args, { loaded }) => (
    <StoryProvider backend={(loaded as Loaded).backend}>
      <SecureImageState {...args} record={(loaded as Loaded).backend.records[24]!} />
    </StoryProvider>
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await waitFor(() => expect(canvas.getByTestId('status')).toHaveTextContent('success'), {
      timeout: HANG,
    })
    await expect(canvas.getByTestId('via')).toHaveTextContent('object-url')
    await expect(canvas.getByAltText('From useSecureImage')).toHaveAttribute(
      'src',
      expect.stringMatching(/^blob:/),
    )
  },
}

/** `loadFull: 'manual'` with a preview: the preview shows until `load()` is called. */
export const ManualFullLoad: Story = {
  args: { loadFull: 'manual' },
  render: (args, { loaded }) => {
    const { records, previews } = (loaded as Loaded).backend
    return (
      <StoryProvider backend={(loaded as Loaded).backend}>
        <SecureImageState {...args} record={records[25]!} preview={previews[25]} />
      </StoryProvider>
    )
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await waitFor(() => expect(canvas.getByTestId('preview')).toHaveTextContent('true'), UNTIL)
    await userEvent.click(canvas.getByRole('button', { name: 'load()' }))
    await waitFor(() => expect(canvas.getByTestId('preview')).toHaveTextContent('false'), UNTIL)
    await expect(canvas.getByTestId('status')).toHaveTextContent('success')
  },
}
