import { randomFillSync } from 'node:crypto';

/**
 * UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter that orders ids made
 * in the same millisecond (method 1, seeded randomly each millisecond), then 62 random bits.
 * Time-ordered ids land at the end of a B-tree index instead of on a random page, which keeps
 * high-rate inserts (the workflow recorder's tens of thousands a second) cheap.
 */
const pool = Buffer.alloc(16 * 256);
let poolOffset = pool.length;
let lastMs = -1;
let counter = 0;

function randomBytes10(): Buffer {
  if (poolOffset + 10 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const b = pool.subarray(poolOffset, poolOffset + 10);
  poolOffset += 10;
  return b;
}

export function uuidv7(now = Date.now()): string {
  const rnd = randomBytes10();
  if (now > lastMs) {
    lastMs = now;
    counter = ((rnd[8]! << 8) | rnd[9]!) & 0x7ff; // leave headroom before the 12 bits overflow
  } else {
    counter++;
    if (counter > 0xfff) {
      // More than 4096 ids in one millisecond: borrow the next millisecond to stay ordered.
      lastMs++;
      counter = 0;
    }
  }
  const ms = lastMs;
  const b = Buffer.allocUnsafe(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  b[8] = 0x80 | (rnd[0]! & 0x3f);
  rnd.copy(b, 9, 1, 8);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
