import { EventEmitter } from 'node:events';
import {
  CORE_EVENT_NAMES,
  type CoreEventMap,
  type CoreEventName,
} from '../../shared/core-events.js';

/**
 * Every event the core emits, by name, with payloads inferred from the shared schemas (the UI
 * channel forwards them to the renderer, which validates them with the same schemas). The UI
 * channel and MCP notifications subscribe here; modules never call each other to announce a change.
 */
export type { CoreEventMap, CoreEventName };
export type Listener<K extends CoreEventName> = (payload: CoreEventMap[K]) => void;

/** A typed wrapper around one EventEmitter; a throwing listener never breaks the emitter. */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor(private readonly onListenerError: (err: unknown, event: string) => void = () => {}) {
    this.emitter.setMaxListeners(100);
  }

  emit<K extends CoreEventName>(event: K, payload: CoreEventMap[K]): void {
    for (const listener of this.emitter.listeners(event)) {
      try {
        (listener as Listener<K>)(payload);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
  }

  on<K extends CoreEventName>(event: K, listener: Listener<K>): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  /** Every event, for subscribers that forward all of them (UI channel). */
  onAny(
    listener: <K extends CoreEventName>(event: K, payload: CoreEventMap[K]) => void,
  ): () => void {
    const names = ALL_EVENTS;
    const offs = names.map((name) => this.on(name, (payload) => listener(name, payload)));
    return () => offs.forEach((off) => off());
  }
}

const ALL_EVENTS: readonly CoreEventName[] = CORE_EVENT_NAMES;
