/** The two ends of a promise, held until a batch settles it. */
export interface Waiter<T> {
  resolve: (value: T) => void
  reject: (error: unknown) => void
}
