import { describe, expect, it } from 'vitest';
import {
  negotiateHeartbeat,
  negotiateVersion,
} from '../../../../../src/main/core/broker/connect-handshake.js';

const limits = { minHeartbeatMs: 1000, maxHeartbeatMs: 600_000 };

describe('CONNECT negotiation', () => {
  it('picks the highest common version; no accept-version is 1.0', () => {
    expect(negotiateVersion(undefined)).toBe('1.0');
    expect(negotiateVersion('1.0,1.1')).toBe('1.1');
    expect(negotiateVersion(' 1.2 , 1.0')).toBe('1.2');
    expect(negotiateVersion('2.0')).toBeUndefined();
  });

  it.each([
    ['10000,30000', { sendEvery: 30_000, expectEvery: 10_000 }],
    ['10,10', { sendEvery: 1000, expectEvery: 1000 }],
    ['0,0', { sendEvery: 0, expectEvery: 0 }],
    ['x,-5', { sendEvery: 0, expectEvery: 0 }],
    // Sending more often than asked is harmless; a promise beyond the maximum is none.
    ['100000000000,100000000000', { sendEvery: 600_000, expectEvery: 0 }],
    ['600000,1e400', { sendEvery: 1000, expectEvery: 600_000 }],
  ])('heart-beat %s is bounded', (header, agreed) => {
    expect(negotiateHeartbeat(header, '1.2', limits)).toEqual(agreed);
  });

  it('agrees to no heart-beats in STOMP 1.0', () => {
    expect(negotiateHeartbeat('1000,1000', '1.0', limits)).toEqual({
      sendEvery: 0,
      expectEvery: 0,
    });
  });
});
