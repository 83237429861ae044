import { describe, expect, it } from 'vitest';
import { BrokerUrlError, parseBrokerUrl } from '../../../../../src/main/core/broker/broker-url.js';
import { ConfigError, parseConfig } from '../../../../../src/main/core/config.js';

describe('broker URL', () => {
  it('parses stomp:// and stomp+ssl:// addresses', () => {
    expect(parseBrokerUrl('stomp://localhost:61613')).toEqual({
      tls: false,
      host: 'localhost',
      port: 61613,
      url: 'stomp://localhost:61613',
    });
    expect(parseBrokerUrl('stomp+ssl://mq.example.org:61612')).toMatchObject({
      tls: true,
      host: 'mq.example.org',
      port: 61612,
    });
    expect(parseBrokerUrl('ssl://10.0.0.1:61612/')).toMatchObject({
      tls: true,
      url: 'stomp+ssl://10.0.0.1:61612',
    });
    expect(parseBrokerUrl('stomp://[::1]:61613')).toMatchObject({
      host: '::1',
      url: 'stomp://[::1]:61613',
    });
  });

  it.each([
    ['localhost:61613', /not a URL|unsupported scheme/],
    ['http://localhost:61613', /unsupported scheme "http"/],
    ['stomp://localhost', /has no port/],
    ['stomp://localhost:0', /port must be 1-65535/],
    ['stomp://user:pw@localhost:61613', /carries credentials; put them in broker.login/],
    ['stomp://localhost:61613/queue/x', /has a path or query/],
    ['not a url', /not a URL/],
  ])('refuses %s with a clear error', (text, message) => {
    expect(() => parseBrokerUrl(text)).toThrow(BrokerUrlError);
    expect(() => parseBrokerUrl(text)).toThrow(message);
  });

  it('is checked by config validation, naming the key', () => {
    const base = { dataDir: '/tmp/x', namespace: 'ns' };
    expect(() =>
      parseConfig({ ...base, broker: { mode: 'external', url: 'http://mq:61613' } }),
    ).toThrow(ConfigError);
    expect(() =>
      parseConfig({ ...base, broker: { mode: 'external', url: 'http://mq:61613' } }),
    ).toThrow(/"broker\.url": unsupported scheme "http"/);
    expect(() => parseConfig({ ...base, broker: { mode: 'external' } })).toThrow(
      /"broker.url" is required/,
    );
    const cfg = parseConfig({
      ...base,
      broker: {
        mode: 'external',
        url: 'stomp+ssl://mq:61612',
        caFile: '/etc/ca.pem',
        login: 'u',
        passcode: 'p',
      },
    });
    expect(cfg.broker).toMatchObject({
      mode: 'external',
      reconnectInitialMs: 500,
      reconnectMaxMs: 30_000,
    });
    expect(cfg.recorder).toEqual({ flushIntervalMs: 20, maxBatch: 5_000 });
  });
});
