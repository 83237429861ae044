import { z } from 'zod';

// The preload contract: the bridge type and channel names (zod-free, so the sandboxed preload can
// bundle them) plus the schemas with which the main process validates every IPC argument.
export { IPC, type ConnectionInfo, type SwfControlCenterBridge } from './preload-channels.js';

const noNul = (s: string) => !s.includes('\0');

/** An absolute file path (POSIX or Windows), bounded and free of NUL bytes. */
export const showItemArgsSchema = z.tuple([
  z
    .string()
    .min(1)
    .max(4096)
    .refine(noNul, 'path contains a NUL byte')
    .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), {
      message: 'path must be absolute',
    }),
]);

/** Up to 1 MiB of text (a log excerpt, a command line, a URL). */
export const copyArgsSchema = z.tuple([z.string().max(1024 * 1024)]);

export const notifyArgsSchema = z.tuple([z.string().min(1).max(200), z.string().max(2000)]);

export const noArgsSchema = z.tuple([]);
