import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { adler32, adlerTag } from '../../../../agents/lib/adler32.js';
import { RunLedger, ranges } from '../../../../agents/lib/run-ledger.js';
import { localIsoNow, resolveTestbedConfigPath } from '../../../../agents/lib/settings.js';
import { sampleTimeFrames } from '../../../../agents/lib/tf-sampling.js';
import {
  endRunSchema,
  endRunTotal,
  requireRunNumber,
  stfFilename,
  stfGenSchema,
} from '../../../../src/shared/workflow-messages.js';

/** zlib streams end with the Adler-32 of the uncompressed data: an independent reference. */
const zlibAdler = (buf: Buffer) => deflateSync(buf).readUInt32BE(deflateSync(buf).length - 4);

describe('adler32', () => {
  it('matches the RFC 1950 value and zlib for small and large inputs', () => {
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(Buffer.alloc(0))).toBe(1);
    const big = Buffer.alloc(1_000_003);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
    expect(adler32(big)).toBe(zlibAdler(big));
    expect(inflateSync(deflateSync(big)).equals(big)).toBe(true);
    expect(adler32(big.subarray(500_000), adler32(big.subarray(0, 500_000)))).toBe(adler32(big));
    expect(adlerTag(Buffer.from('Wikipedia'))).toBe(`ad:${0x11e60398}`);
  });
});

describe('run ledger', () => {
  it('reports missing and failed sequences, waiting for stragglers that arrive after end_run', async () => {
    const l = new RunLedger(200);
    l.open(7);
    for (const s of [1, 2, 4]) l.record(7, s, true);
    l.record(7, 5, false);
    const report = l.close(7, 6);
    setTimeout(() => l.record(7, 6, true), 20); // a straggler overtaken by end_run
    expect(await report).toEqual({
      runId: 7,
      total: 6,
      done: 4,
      failed: [5],
      missing: [3],
      joinedLate: false,
    });
  });
  it('flags a stage that joined mid-run', async () => {
    const l = new RunLedger(50);
    l.record(8, 3, true);
    expect(await l.close(8, 3)).toMatchObject({ missing: [1, 2], joinedLate: true });
  });
  it('formats ranges', () => expect(ranges([1, 2, 3, 5, 7, 8])).toBe('1-3, 5, 7-8'));
});

describe('messages and naming', () => {
  it('end_run total from either spelling', () => {
    expect(
      endRunTotal(endRunSchema.parse({ msg_type: 'end_run', run_id: 1, total_stf_files: 4 })),
    ).toBe(4);
    expect(
      endRunTotal(endRunSchema.parse({ msg_type: 'end_run', run_id: '1', total_files: 3 })),
    ).toBe(3);
  });
  it('stf_gen keeps unknown fields and accepts a 2025 string run_id', () => {
    const m = stfGenSchema.parse({
      msg_type: 'stf_gen',
      run_id: '100123',
      filename: 'x.stf',
      comment: 'hi',
    });
    expect(requireRunNumber(m.run_id)).toBe(100123);
    expect(() => requireRunNumber('next-one')).toThrow(/not a run number/);
    expect(m.comment).toBe('hi');
    expect(() => stfGenSchema.parse({ msg_type: 'stf_gen', run_id: 1 })).toThrow();
  });
  it('names STFs and resolves the testbed config path as the originals', () => {
    expect(stfFilename(100123, 3)).toBe('swf.100123.000003.stf');
    expect(resolveTestbedConfigPath('testbed.toml')).toBe('workflows/testbed.toml');
    expect(resolveTestbedConfigPath('/etc/x.toml')).toBe('/etc/x.toml');
    expect(localIsoNow(new Date(2026, 2, 1, 14, 2, 11, 532))).toBe('2026-03-01T14:02:11.532000');
  });
});

describe('TF sampling', () => {
  it('takes one contiguous block per partition, inside the partition, about the fraction in size', () => {
    for (let trial = 0; trial < 50; trial++) {
      const s = sampleTimeFrames(1000, 7, 0.15);
      expect(s).toHaveLength(7);
      const part = Math.floor(1000 / 7);
      s.forEach((x, i) => {
        expect(x.tf_first).toBeGreaterThanOrEqual(i * part);
        expect(x.tf_last).toBeLessThan((i + 1) * part);
        expect(x.tf_count).toBe(x.tf_last - x.tf_first + 1);
        expect(x.tf_count).toBeGreaterThan(part * 0.15 * 0.4);
        expect(x.tf_count).toBeLessThan(part * 0.15 * 1.6);
      });
    }
  });
});
