import { describe, expect, it } from 'vitest';
import { createRateLimitedLog } from '../../../../../src/main/core/broker/rate-limited-log.js';
import { silentLogger } from '../../../../../src/main/core/logger.js';

describe('rate-limited warnings', () => {
  it('writes one line per kind per window and says how many were held back', () => {
    const lines: string[] = [];
    const log = { ...silentLogger, warn: (m: string) => void lines.push(m) };
    let now = 0;
    const limited = createRateLimitedLog(log, 10_000, () => now);
    for (let i = 0; i < 2000; i++) limited.warn('bad frame', `#${i}`);
    limited.warn('other kind', 'x');
    expect(lines).toEqual(['bad frame: #0', 'other kind: x']);
    now = 10_000;
    limited.warn('bad frame', 'late');
    expect(lines.at(-1)).toBe('bad frame: late (+1999 more in the last 10 s)');
  });
});
