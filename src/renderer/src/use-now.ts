import { useSyncExternalStore } from 'react';

// One shared clock for every ticking age on screen: a single timer, re-rendering only subscribers.
let now = Date.now();
const listeners = new Set<() => void>();
let timer: number | undefined;

function subscribe(listener: () => void) {
  listeners.add(listener);
  timer ??= window.setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, 1000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** Wall-clock milliseconds, updated once a second. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}
