/** The real program (`node src/main.ts`) as a child process, through the process helper (own group, reaped, limited). */
import { resolve } from 'node:path';
import { spawnProcess, stop, type Ended, type Spawned } from './processes.ts';

export const MAIN = resolve(import.meta.dirname, '../../src/main.ts');

export type VigilRun = Ended;
export type VigilChild = Spawned;

/** Starts Vigil in `cwd` with only PATH, HOME, TZ and `env` set (no chat token, no RPC: console + paper). */
export function startVigil(cwd: string, env: Readonly<Record<string, string>> = {}, limitMs?: number): VigilChild {
  return spawnProcess(process.execPath, [MAIN], {
    cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, TZ: 'UTC', ...env }, ...(limitMs ? { limitMs } : {}),
  });
}

/** Runs Vigil with `input` piped to stdin (closed after it) and waits for it to exit. */
export function runVigil(cwd: string, input: string, env: Readonly<Record<string, string>> = {}): Promise<VigilRun> {
  const v = startVigil(cwd, env);
  v.child.stdin.end(input);
  return v.exited;
}

/**
 * Waits until a console Vigil answers: with piped stdin it prints nothing before the first command, so this sends
 * `/status` and waits for its header. Returns the stdout offset after that answer.
 */
export async function whenAnswering(v: VigilChild, ms = 30_000): Promise<number> {
  const from = v.stdout().length;
  v.child.stdin.write('/status\n');
  await v.waitFor(/== Vigil /, { from, ms });
  return v.stdout().length;
}

export { stop };
