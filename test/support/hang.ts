/**
 * How long a wait on a condition may last before it counts as a hang. Waits end as soon as
 * their condition holds, so this bounds only a failure: it is sized for the slowest and
 * busiest machine the suite runs on (2 cores, both loaded), never for how fast the work is.
 */
export const HANG = 60_000

/** `waitFor` / `expect.poll` options that only catch a hang. */
export const UNTIL = { timeout: HANG } as const
