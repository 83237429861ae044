import { describe, expect, it } from 'vitest';
import { href, parseRoute, type Route } from '../../../../src/renderer/src/route.js';

describe('browser routes carry their filters in the address', () => {
  it('round-trips filters and paging', () => {
    const routes: Route[] = [
      { view: 'messages', filter: { run: '12', type: 'stf_gen', offset: '50' } },
      { view: 'files', filter: { stf: 'swf.000012.000003.stf', run: '12' } },
      { view: 'logs', filter: { level: '30', agent: 'data agent/1' } },
      { view: 'executions', id: 'stf_datataking-wenauseic-0001' },
      { view: 'executions' },
      { view: 'plots' },
    ];
    for (const r of routes) expect(parseRoute(href(r))).toEqual(r);
  });

  it('drops empty filters and reads a bare view as unfiltered', () => {
    expect(href({ view: 'messages', filter: { run: '', type: 'end_run' } })).toBe(
      '#/messages?type=end_run',
    );
    expect(parseRoute('#/logs')).toEqual({ view: 'logs', filter: {} });
  });

  it('keeps the existing routes as they were', () => {
    expect(parseRoute('#/runs/7')).toEqual({ view: 'runs', run: 7 });
    expect(parseRoute('#/agent/a%2Fb')).toEqual({ view: 'agent', name: 'a/b' });
    expect(parseRoute('#/nowhere')).toEqual({ view: 'fleet' });
  });
});
