import { bridge } from './connection';
import { pushToast, setNotifier } from './store/ui-store';

/** Copies through the Electron bridge when present, else the Clipboard API. */
export async function copyText(text: string): Promise<void> {
  const b = bridge();
  if (typeof b?.copyToClipboard === 'function') return b.copyToClipboard(text);
  await navigator.clipboard.writeText(text);
}

/** Alerts go native in Electron (preload `notify`) and always show in-app as well. */
export function installNotifier() {
  setNotifier((title, body) => {
    pushToast('alert', title, body);
    const b = bridge();
    // An older preload may expose only the URL and token.
    if (typeof b?.notify === 'function') b.notify(title, body);
  });
}
