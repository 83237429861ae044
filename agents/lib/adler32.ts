/**
 * Adler-32 (RFC 1950), the checksum the standalone DAQ simulator writes as `ad:<decimal>`.
 * Node 20's zlib has crc32 but no adler32, and it is ten lines.
 * Incremental: pass the previous value to continue over a further chunk.
 */
export function adler32(data: Uint8Array, previous = 1): number {
  const MOD = 65521;
  // 5552 is the largest block for which the sums cannot overflow 2^53 before the modulo.
  const NMAX = 5552;
  let a = previous & 0xffff;
  let b = (previous >>> 16) & 0xffff;
  for (let i = 0; i < data.length;) {
    const end = Math.min(i + NMAX, data.length);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}

export const adlerTag = (data: Uint8Array) => `ad:${adler32(data)}`;
