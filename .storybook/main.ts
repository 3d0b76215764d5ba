import { resolve } from 'node:path'
import type { StorybookConfig } from '@storybook/react-vite'
import { mergeConfig } from 'vite'
import { pixstoreDevServer } from '../dev/pixstoreDevServer.ts'
import { pixstoreWorker } from '../src/vite/index.ts'

const config: StorybookConfig = {
  stories: ['../stories/Introduction.mdx', '../stories/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-docs', '@storybook/addon-vitest'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true },
  // The sidebar's "Get started" checklist is for a new Storybook, not for readers of this one.
  features: { sidebarOnboardingChecklist: false },
  async viteFinal(viteConfig, { configType }) {
    return mergeConfig(viteConfig, {
      plugins: [
        // Storybook dogfoods the kit's own plugin; the worker is built by `npm run build`.
        pixstoreWorker({ workerFile: resolve(import.meta.dirname, '../dist/pixstore-sw.js') }),
        // In dev, a real pixstore 3 backend runs inside Storybook's server; a static build
        // has none and the stories switch to the in-browser fixture backend.
        ...(configType === 'DEVELOPMENT' ? [pixstoreDevServer({ count: 120, proxy: true })] : []),
      ],
      // Imported only under src/client or by one story, they are found late and would reload
      // a running story test.
      optimizeDeps: { include: ['@tanstack/query-core', 'react-error-boundary'] },
    })
  },
}

export default config
