/**
 * The process-wide stop request. The entry (src/main.ts) installs SIGINT/SIGTERM handlers that call `requestStop`
 * before any other module loads, so a signal that arrives while the app is still loading or starting is never lost:
 * whoever starts later asks `stopRequested()` or subscribes with `onStop`.
 */

let requested: NodeJS.Signals | null = null;
const listeners = new Set<(signal: NodeJS.Signals) => void>();
const controller = new AbortController();

/** Records a stop request (the first one wins) and tells every listener once. */
export function requestStop(signal: NodeJS.Signals): void {
  if (requested) return;
  requested = signal;
  controller.abort(new Error(`stopped by ${signal}`));
  for (const fn of [...listeners]) fn(signal);
  listeners.clear();
}

/** The signal that asked the process to stop, or null. */
export function stopRequested(): NodeJS.Signals | null {
  return requested;
}

/** Calls `fn` once when a stop is requested (at once if it already was); returns an unsubscribe function. */
export function onStop(fn: (signal: NodeJS.Signals) => void): () => void {
  if (requested) {
    fn(requested);
    return () => undefined;
  }
  listeners.add(fn);
  return () => { listeners.delete(fn); };
}

/** Aborted when a stop is requested: hand it to start-up work that may wait on the network. */
export const stopSignal: AbortSignal = controller.signal;
