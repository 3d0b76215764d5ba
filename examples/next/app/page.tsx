import { Gallery } from './Gallery'

export default function Home() {
  return (
    <main>
      <h1>Encrypted gallery</h1>
      <p>Decrypted in the browser; only ciphertext is cached.</p>
      <Gallery />
    </main>
  )
}
