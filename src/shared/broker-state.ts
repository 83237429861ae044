import { z } from 'zod';

/**
 * The broker's connection state as the bus (`broker.state`), `/api/cc/status/` and the UI show it.
 * Embedded: `listening` | `stopped` | `failed`. External: `reconnecting` (first attempt included,
 * with the back-off in `detail`) -> `connected`; `failed` when retrying cannot help (TLS
 * verification, refused login, unreadable CA file); `stopped` on shutdown.
 */
export const brokerStateSchema = z.object({
  mode: z.enum(['embedded', 'external']),
  state: z.enum(['listening', 'connected', 'reconnecting', 'failed', 'stopped']),
  detail: z.string().optional(),
  url: z.string().optional(),
  /** Embedded: subscribers cut off so far for holding more unread bytes than allowed. */
  slowConsumersCut: z.number().int().nonnegative().optional(),
});
export type BrokerState = z.infer<typeof brokerStateSchema>;
