import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import type { E2eCore } from './core.js';

/** The UI must show what the core knows within this long, without a reload. */
export const LIVE_MS = 2_000;

/** The fleet row of a default-fleet agent (`<type>-agent-<user>-<N>`) that is neither gone nor dead. */
export const agentRow = (page: Page, prefix: string) =>
  page
    .locator(`.grid-row[data-agent^="${prefix}-agent-"]`)
    .filter({ hasNotText: 'EXITED' })
    .filter({ hasNot: page.locator('[data-liveness="dead"]') });

export const DEFAULT_FLEET = ['daq_simulator', 'data', 'stf_processing', 'fastmon'];

/** Screenshot as a test artifact, and the current copy for the README. */
export async function shoot(page: Page, name: string) {
  const path = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path });
  const dir = join(process.cwd(), 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  copyFileSync(path, join(dir, `${name}.png`));
}

/** A GET on the core's REST API, as any client would make it. */
export async function api<T>(core: E2eCore, path: string): Promise<T> {
  const res = await fetch(`${core.url}${path}`, {
    headers: { authorization: `Bearer ${core.token}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) =>
  Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > 0.5 &&
  Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > 0.5;

/** Every pane the selectors match: none overlaps another, none sticks out of the window sideways. */
export async function expectNoOverlap(page: Page, selectors: string[]) {
  const width = page.viewportSize()!.width;
  const panes: { what: string; box: Box }[] = [];
  for (const sel of selectors)
    for (const [i, el] of (await page.locator(sel).all()).entries()) {
      const box = await el.boundingBox();
      if (box && box.width > 0 && box.height > 0) panes.push({ what: `${sel}[${i}]`, box });
    }
  expect(panes.length).toBeGreaterThan(1);
  for (const p of panes)
    expect(p.box.x + p.box.width, `${p.what} inside the window`).toBeLessThanOrEqual(width + 0.5);
  for (let i = 0; i < panes.length; i++)
    for (let j = i + 1; j < panes.length; j++)
      expect(
        overlap(panes[i]!.box, panes[j]!.box),
        `${panes[i]!.what} ${JSON.stringify(panes[i]!.box)} overlaps ${panes[j]!.what} ${JSON.stringify(panes[j]!.box)}`,
      ).toBe(false);
}
