import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, waitFor, within } from 'storybook/test'
import { PixstoreProvider, SecureImage } from '../src'
import { backendLoader, backendConfig, type Loaded } from './support/storyBackend'
import { UNTIL } from '../test/support/hang'

const meta = {
  title: 'Components/PixstoreProvider',
  component: PixstoreProvider,
  loaders: [backendLoader],
  argTypes: { client: { control: false }, queryClient: { control: false }, config: { control: false } },
  parameters: {
    docs: {
      description: {
        component:
          "One `PixstoreClient` and one QueryClient for every hook and `<SecureImage>` under it; its options are read once on mount. Here with the service worker off, on this story's own cache.",
      },
    },
  },
} satisfies Meta<typeof PixstoreProvider>

export default meta
type Story = StoryObj<typeof meta>

export const ObjectUrls: Story = {
  args: { serviceWorker: false, channel: 'provider-story' },
  render: (args, { loaded }) => {
    const { backend } = loaded as Loaded
    return (
      <PixstoreProvider
        {...args}
        config={backendConfig(backend, { cache: { dbName: `pixstore-provider-story-${Date.now()}` } })}
      >
        <SecureImage record={backend.records[28]!} alt="Inside the provider" width={240} height={180} />
      </PixstoreProvider>
    )
  },
  play: async ({ canvasElement }) => {
    const img = within(canvasElement).getByAltText('Inside the provider') as HTMLImageElement
    await waitFor(() => expect(img.complete && img.naturalWidth > 0).toBe(true), UNTIL)
    await expect(img.getAttribute('src')).toMatch(/^blob:/)
  },
}
