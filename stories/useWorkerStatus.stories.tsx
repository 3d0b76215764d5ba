import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, waitFor, within } from 'storybook/test'
import { useWorkerStatus } from '../src'
import { StoryProvider } from './support/StoryProvider'
import { backendLoader, type Loaded } from './support/storyBackend'
import { HANG } from '../test/support/hang'

/** `useWorkerStatus()`: `'ready'` once the worker controls the page, so images use its URLs. */
function WorkerStatusBadge() {
  const status = useWorkerStatus()
  return <small data-testid="path">images via {status === 'ready' ? 'service worker' : 'object URLs'}</small>
}

const meta = {
  title: 'Hooks/useWorkerStatus',
  component: WorkerStatusBadge,
  loaders: [backendLoader],
} satisfies Meta<typeof WorkerStatusBadge>

export default meta
type Story = StoryObj<typeof meta>

export const WithTheWorker: Story = {
  render: (_, { loaded }) => (
    <StoryProvider backend={(loaded as Loaded).backend} worker>
      <WorkerStatusBadge />
    </StoryProvider>
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await waitFor(() => expect(canvas.getByTestId('path')).toHaveTextContent('images via service worker'), {
      timeout: HANG,
    })
  },
}

export const WithoutTheWorker: Story = {
  render: (_, { loaded }) => (
    <StoryProvider backend={(loaded as Loaded).backend}>
      <WorkerStatusBadge />
    </StoryProvider>
  ),
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByTestId('path')).toHaveTextContent('images via object URLs')
  },
}
