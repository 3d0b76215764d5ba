import { PixstoreProvider } from 'pixstore-react'
import type { ReactNode } from 'react'

export const metadata = { title: 'pixstore-react on Next.js' }

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', margin: 24 }}>
        <PixstoreProvider>{children}</PixstoreProvider>
      </body>
    </html>
  )
}
