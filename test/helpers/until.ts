/** Polling for a condition in tests that drive servers and processes (fakes record what happened; tests wait for it). */

/**
 * Resolves with `probe`'s first defined value, polling every `everyMs`; a probe that throws is retried (its last error
 * is in the timeout message). Rejects after `ms` naming `what`.
 */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 10_000, everyMs = 20): Promise<T> {
  const end = Date.now() + ms;
  let last: Error | undefined;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err instanceof Error ? err : new Error(String(err));
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
