/** Where the encrypted worker floor answers its images: `${ENCRYPTED_FLOOR_PATH}<id>`. */
export const ENCRYPTED_FLOOR_PATH = '/encrypted-floor/'

/** The encrypted worker floor's script, built into the bench page (benchServer.ts). */
export const ENCRYPTED_FLOOR_SCRIPT = '/encrypted-floor-sw.js'
