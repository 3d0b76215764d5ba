import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { SecureImage, type ImageRecord } from '../src'
import { PixstoreDevtools, type PixstoreDevtoolsProps } from '../src/devtools'
import { StoryProvider } from './support/StoryProvider'
import { backendLoader, type Loaded } from './support/storyBackend'
import { UNTIL } from '../test/support/hang'

/** A few images and the devtools panel over them, open. */
function DevtoolsDemo({ records, ...props }: PixstoreDevtoolsProps & { records: ImageRecord[] }) {
  return (
    <div>
      <div style={{ display: 'flex', gap: 6 }}>
        {records.map((record) => (
          <SecureImage key={record.id} record={record} alt={record.id} width={96} height={72} />
        ))}
      </div>
      <PixstoreDevtools {...props} />
    </div>
  )
}

const meta = {
  title: 'Tools/PixstoreDevtools',
  component: DevtoolsDemo,
  loaders: [backendLoader],
  args: { records: [], initialIsOpen: true, position: 'bottom-right', limit: 50 },
  argTypes: {
    records: { control: false },
    position: { control: 'select', options: ['bottom-right', 'bottom-left', 'top-right', 'top-left'] },
  },
  parameters: {
    docs: {
      description: {
        component:
          '`<PixstoreDevtools />` from `pixstore-react/devtools`: requests and hit rate per source, recent errors, worker status, and the cache entries with evict and clear. Ids, sizes and codes only, never keys or image bytes.',
      },
    },
  },
} satisfies Meta<typeof DevtoolsDemo>

export default meta
type Story = StoryObj<typeof meta>

export const Open: Story = {
  render: (args, { loaded }) => (
    <StoryProvider backend={(loaded as Loaded).backend}>
      <DevtoolsDemo {...args} records={(loaded as Loaded).backend.records.slice(20, 24)} />
    </StoryProvider>
  ),
  play: async ({ canvasElement }) => {
    const panel = within(within(canvasElement).getByRole('region', { name: 'pixstore devtools' }))
    await waitFor(() => expect(panel.getByTestId('requests')).toHaveTextContent('4'), UNTIL)
    const entries = within(panel.getByRole('table', { name: 'cache entries' }))
    await waitFor(() => expect(entries.getAllByRole('button', { name: /^Evict / })).toHaveLength(4))
    await userEvent.click(entries.getAllByRole('button', { name: /^Evict / })[0]!)
    await waitFor(() => expect(entries.getAllByRole('button', { name: /^Evict / })).toHaveLength(3))
  },
}

export const Closed: Story = {
  args: { initialIsOpen: false },
  render: Open.render,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    expect(canvas.queryByRole('region', { name: 'pixstore devtools' })).toBeNull()
    await userEvent.click(canvas.getByRole('button', { name: 'pixstore' }))
    expect(canvas.getByRole('region', { name: 'pixstore devtools' })).toBeDefined()
  },
}
