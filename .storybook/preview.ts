import type { Preview } from '@storybook/react-vite'

const preview: Preview = {
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
    options: { storySort: { order: ['Introduction', 'Components', 'Hooks', 'Examples', 'Tools'] } },
  },
  tags: ['autodocs'],
}

export default preview
