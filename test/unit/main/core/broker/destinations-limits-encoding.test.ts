import { describe, expect, it } from 'vitest';
import { parseDestination } from '../../../../../src/main/core/broker/destinations.js';
import { encodeFrame, escapeHeader } from '../../../../../src/main/core/broker/frame-encoding.js';
import { DEFAULT_LIMITS, resolveLimits } from '../../../../../src/main/core/broker/limits.js';

describe('parseDestination', () => {
  it('keeps /topic/ and /queue/ names and maps temp- prefixes', () => {
    expect(parseDestination('/topic/epictopic')).toEqual({
      name: '/topic/epictopic',
      kind: 'topic',
    });
    expect(parseDestination('/queue/workflow_control')).toEqual({
      name: '/queue/workflow_control',
      kind: 'queue',
    });
    expect(parseDestination('/temp-queue/r1')).toEqual({ name: '/queue/r1', kind: 'queue' });
    expect(parseDestination('/temp-topic/r1')).toEqual({ name: '/topic/r1', kind: 'topic' });
  });

  it('makes a bare name the topic of that name (old and HEAD agents meet)', () => {
    expect(parseDestination('epictopic')).toEqual({ name: '/topic/epictopic', kind: 'topic' });
    expect(parseDestination('epictopic')!.name).toBe(parseDestination('/topic/epictopic')!.name);
  });

  it('rejects empty names', () => {
    expect(parseDestination('')).toBeUndefined();
    expect(parseDestination('   ')).toBeUndefined();
    expect(parseDestination('/queue/')).toBeUndefined();
    expect(parseDestination('/topic/')).toBeUndefined();
  });
});

describe('header escaping', () => {
  const value = 'a:b\\c\nd\re';
  it('escapes nothing in 1.0 but keeps the frame intact', () => {
    expect(escapeHeader('a:b', '1.0')).toBe('a:b');
    expect(escapeHeader('a\nb', '1.0')).toBe('a b');
  });
  it('escapes backslash, newline and colon in 1.1 (not CR)', () => {
    expect(escapeHeader(value, '1.1')).toBe('a\\cb\\\\c\\nd\re');
  });
  it('escapes CR as well in 1.2', () => {
    expect(escapeHeader(value, '1.2')).toBe('a\\cb\\\\c\\nd\\re');
  });
  it('encodes a frame with content-length for a body, and ERROR without it', () => {
    expect(encodeFrame('RECEIPT', { 'receipt-id': 'r:1' }, '1.2').toString()).toBe(
      'RECEIPT\nreceipt-id:r\\c1\n\n\0\n',
    );
    expect(
      encodeFrame('MESSAGE', { a: 'b' }, '1.2', Buffer.from([1, 0, 2])).toString('latin1'),
    ).toBe('MESSAGE\na:b\ncontent-length:3\n\n\x01\x00\x02\0\n');
    expect(encodeFrame('ERROR', { message: 'bad' }, '1.2', 'bad frame').toString()).toBe(
      'ERROR\nmessage:bad\n\nbad frame\0\n',
    );
  });
});

describe('resolveLimits', () => {
  it('fills defaults and overrides given keys', () => {
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({ maxBodyBytes: 10 }).maxBodyBytes).toBe(10);
  });
  it('refuses non-positive or non-finite limits', () => {
    expect(() => resolveLimits({ maxQueueDepth: 0 })).toThrow(/maxQueueDepth/);
    expect(() => resolveLimits({ maxHeaders: Number.NaN })).toThrow(/maxHeaders/);
  });
});
