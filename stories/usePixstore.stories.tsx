import type { Meta, StoryObj } from '@storybook/react-vite'
import { useState } from 'react'
import { expect, userEvent, waitFor, within } from 'storybook/test'
import { SecureImage, usePixstore, type ImageRecord } from '../src'
import { StoryProvider } from './support/StoryProvider'
import { backendLoader, type Loaded } from './support/storyBackend'
import { HANG } from '../test/support/hang'

/** `usePixstore()`: the provider's image service, for what the hooks do not cover (here: forget one image). */
function ForgetImage({ record }: { record: ImageRecord }) {
  const service = usePixstore()
  const [cached, setCached] = useState<boolean>()
  const check = async () => setCached(await service.cachedImageExists(record.id))
  return (
    <div>
      <SecureImage record={record} alt="shown" width={120} height={90} onLoad={() => void check()} />
      <p data-testid="cached">{cached === undefined ? '…' : cached ? 'cached' : 'not cached'}</p>
      <button onClick={() => void service.deleteCachedImage(record.id).then(check)}>Forget this image</button>
    </div>
  )
}

const meta = {
  title: 'Hooks/usePixstore',
  component: ForgetImage,
  loaders: [backendLoader],
  argTypes: { record: { control: false } },
} satisfies Meta<typeof ForgetImage>

export default meta
type Story = StoryObj<typeof meta>

export const Forget: Story = {
  args: { record: undefined as unknown as ImageRecord },
  render: (_, { loaded }) => (
    <StoryProvider backend={(loaded as Loaded).backend}>
      <ForgetImage record={(loaded as Loaded).backend.records[27]!} />
    </StoryProvider>
  ),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await waitFor(() => expect(canvas.getByTestId('cached')).toHaveTextContent(/^cached$/), {
      timeout: HANG,
    })
    await userEvent.click(canvas.getByRole('button', { name: 'Forget this image' }))
    await waitFor(() => expect(canvas.getByTestId('cached')).toHaveTextContent('not cached'))
  },
}
