import type { Meta, StoryObj } from '@storybook/react-vite'
import { QueryErrorResetBoundary } from '@tanstack/react-query'
import { Suspense } from 'react'
import { ErrorBoundary } from 'react-error-boundary'
import { expect, waitFor, within } from 'storybook/test'
import { useSuspenseImage, type ImageRecord } from '../src'
import { StoryProvider } from './support/StoryProvider'
import { backendLoader, type Loaded } from './support/storyBackend'
import { UNTIL } from '../test/support/hang'

/** `useSuspenseImage(record)`: suspends until the image is ready; errors go to the nearest boundary. */
function SuspenseImage({ record }: { record: ImageRecord }) {
  const { url, blob } = useSuspenseImage(record)
  return (
    <figure>
      <img src={url} alt="From useSuspenseImage" width={240} height={180} />
      <figcaption data-testid="blob">{blob.type}</figcaption>
    </figure>
  )
}

const meta = {
  title: 'Hooks/useSuspenseImage',
  component: SuspenseImage,
  loaders: [backendLoader],
  argTypes: { record: { control: false } },
  render: (_, { loaded }) => (
    <StoryProvider backend={(loaded as Loaded).backend}>
      <QueryErrorResetBoundary>
        {({ reset }) => (
          <ErrorBoundary
            onReset={reset}
            fallbackRender={({ error }) => <p role="alert">{(error as { code?: string }).code}</p>}
          >
            <Suspense fallback={<p data-testid="suspended">Loading…</p>}>
              <SuspenseImage record={(loaded as Loaded).backend.records[26]!} />
            </Suspense>
          </ErrorBoundary>
        )}
      </QueryErrorResetBoundary>
    </StoryProvider>
  ),
} satisfies Meta<typeof SuspenseImage>

export default meta
type Story = StoryObj<typeof meta>

export const Resolved: Story = {
  args: { record: undefined as unknown as ImageRecord },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement)
    await waitFor(() => expect(canvas.getByTestId('blob')).toHaveTextContent(/^image\//), UNTIL)
    await expect(canvas.queryByTestId('suspended')).toBeNull()
    await expect(canvas.getByAltText('From useSuspenseImage')).toHaveAttribute(
      'src',
      expect.stringMatching(/^blob:/),
    )
  },
}
