import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from './json-file.js';

const windowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20_000).default(1280),
  height: z.number().int().min(300).max(20_000).default(820),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof windowStateSchema>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const windowStatePath = (userData: string) => join(userData, 'window-state.json');

export function loadWindowState(path: string): WindowState {
  return readJsonFile(path, windowStateSchema);
}

export function saveWindowState(path: string, state: WindowState): void {
  writeJsonFile(path, windowStateSchema.parse(state));
}

/**
 * Keeps the remembered position only when enough of the window (its top 100x40 pixels, where the
 * title bar is) lies on a display that exists now: a monitor unplugged since the last run must not
 * leave the window off screen. The size is clamped to the largest display's work area.
 */
export function fitToDisplays(state: WindowState, workAreas: Rect[]): WindowState {
  const maxW = Math.max(400, ...workAreas.map((a) => a.width));
  const maxH = Math.max(300, ...workAreas.map((a) => a.height));
  const fitted: WindowState = {
    ...state,
    width: Math.min(state.width, maxW),
    height: Math.min(state.height, maxH),
  };
  if (state.x === undefined || state.y === undefined) return fitted;
  const { x, y } = state;
  const grip = { x, y, width: Math.min(100, fitted.width), height: 40 };
  const visible = workAreas.some(
    (a) =>
      grip.x >= a.x &&
      grip.y >= a.y &&
      grip.x + grip.width <= a.x + a.width &&
      grip.y + grip.height <= a.y + a.height,
  );
  if (visible) return fitted;
  return { width: fitted.width, height: fitted.height, maximized: fitted.maximized };
}
