import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import type { FleetControl, FleetSummary } from './fleet.js';

export interface TrayActions {
  show(): void;
  startAll(): void;
  stopAll(): void;
  quit(): void;
}

function summaryLine(s: FleetSummary): string {
  return `${s.running} running / ${s.dead} dead`;
}

function trayMenuTemplate(
  summary: FleetSummary,
  canControl: boolean,
  actions: TrayActions,
): MenuItemConstructorOptions[] {
  return [
    { label: `Agents: ${summaryLine(summary)}`, enabled: false },
    { type: 'separator' },
    { label: 'Show SWF Control Center', click: actions.show },
    { label: 'Start all agents', enabled: canControl, click: actions.startAll },
    { label: 'Stop all agents', enabled: canControl, click: actions.stopAll },
    { type: 'separator' },
    { label: 'Quit', click: actions.quit },
  ];
}

/**
 * The tray icon with the fleet at a glance. Bursts of agent events (a fleet starting) refresh
 * the menu once: the first change schedules a rebuild, later ones within 250 ms join it.
 */
export function createTray(iconPath: string, fleet: FleetControl, actions: TrayActions) {
  const icon = nativeImage.createFromPath(iconPath);
  const tray = new Tray(icon.isEmpty() ? nativeImage.createEmpty() : icon);
  const refresh = () => {
    const summary = fleet.summary();
    tray.setToolTip(`SWF Control Center: ${summaryLine(summary)}`);
    tray.setContextMenu(
      Menu.buildFromTemplate(trayMenuTemplate(summary, fleet.canControl(), actions)),
    );
  };
  let scheduled: NodeJS.Timeout | undefined;
  const off = fleet.onChange(() => {
    scheduled ??= setTimeout(() => {
      scheduled = undefined;
      refresh();
    }, 250);
  });
  tray.on('click', actions.show);
  refresh();
  return {
    tray,
    refresh,
    destroy() {
      off();
      clearTimeout(scheduled);
      tray.destroy();
    },
  };
}
