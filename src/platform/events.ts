import { EventEmitter } from 'node:events';

/**
 * In-process notifications between modules, for caches only (never for business rules): the data API drops a
 * cached grant or app the moment this process changes it. Other processes rely on the caches' short TTLs.
 */
export interface PlatformEvents {
  /** A grant's status, period or application narrowing changed. */
  'grant.changed': [grantId: string];
  /** An application's secret or status changed. */
  'app.changed': [appKey: string];
}

const emitter = new EventEmitter();
emitter.setMaxListeners(0);

export function emitPlatformEvent<K extends keyof PlatformEvents>(name: K, ...args: PlatformEvents[K]): void {
  emitter.emit(name, ...args);
}

/** Subscribes; returns the function that unsubscribes. */
export function onPlatformEvent<K extends keyof PlatformEvents>(name: K, listener: (...args: PlatformEvents[K]) => void): () => void {
  emitter.on(name, listener as (...args: unknown[]) => void);
  return () => emitter.off(name, listener as (...args: unknown[]) => void);
}
