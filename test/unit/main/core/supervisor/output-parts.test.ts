import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nextBackoff } from '../../../../../src/main/core/supervisor/backoff.js';
import { LineSplitter } from '../../../../../src/main/core/supervisor/line-splitter.js';
import { RotatingLog } from '../../../../../src/main/core/supervisor/rotating-log.js';
import { tempDir } from '../../../../helpers/temp-dir.js';

describe('line splitter', () => {
  it('splits across chunks, keeps partial lines until end, handles CRLF', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push(Buffer.from('ab'));
    s.push(Buffer.from('c\r\nde\nf'));
    expect(lines).toEqual(['abc', 'de']);
    s.end();
    expect(lines).toEqual(['abc', 'de', 'f']);
  });

  it('replaces invalid UTF-8 and does not break a character split across chunks', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    const euro = Buffer.from('€\n'); // 3 bytes + newline
    s.push(euro.subarray(0, 1));
    s.push(euro.subarray(1));
    s.push(Buffer.from([0xff, 0x41, 0x0a]));
    expect(lines).toEqual(['€', '\uFFFDA']);
  });

  it('truncates a long line at the cap with a marker and resumes after its newline', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), 10);
    s.push(Buffer.from('0123456789ABCDEF'));
    s.push(Buffer.from('GHIJ\nnext\n'));
    expect(lines).toEqual(['0123456789 [... line truncated: 10 more characters]', 'next']);
  });
});

describe('rotating log', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(() => dir?.remove());
  it('rotates by size and keeps N backups', () => {
    dir = tempDir();
    const path = join(dir.path, 'p.log');
    const log = new RotatingLog(path, 100, 2);
    for (let i = 0; i < 10; i++) log.write(`${String(i).repeat(49)}\n`); // 50 bytes each
    log.close();
    expect(readdirSync(dir.path).sort()).toEqual(['p.log', 'p.log.1', 'p.log.2']);
    expect(readFileSync(path, 'utf8')).toBe(`${'8'.repeat(49)}\n${'9'.repeat(49)}\n`);
    expect(readFileSync(`${path}.2`, 'utf8').startsWith('4')).toBe(true);
  });
});

describe('restart backoff (pm2)', () => {
  it('grows x1.5 from the base up to the cap', () => {
    let cur: number | undefined;
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      const { delayMs, nextMs } = nextBackoff(cur, 1000, 15_000);
      seen.push(Math.round(delayMs));
      cur = nextMs;
    }
    expect(seen.slice(0, 4)).toEqual([1000, 1500, 2250, 3375]);
    expect(seen.at(-1)).toBe(15_000);
    expect(Math.max(...seen)).toBe(15_000);
  });
});
