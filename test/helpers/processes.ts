/**
 * The only way tests start a process. Each child runs in its own process group (`detached`: setsid), is registered in
 * the run's process directory (see test/setup/processes.ts, which fails the run if any group outlives it), has a hard
 * wall-clock limit, and is SIGKILLed with its whole group after the test that started it, whatever the test's outcome:
 * a failing assertion can no longer leave a ~190 MB bot behind.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, inject } from 'vitest';
import { groupMembers } from './process-groups.ts';

export { groupMembers };

declare module 'vitest' {
  export interface ProvidedContext {
    /** Directory where every spawned process is recorded until its group is gone (created by the global setup). */
    vigilProcessDir: string;
  }
}

/** Default hard limit on a child's life (ms): past it the group is killed and the test fails with the output. */
export const PROCESS_LIMIT_MS = 60_000;

/** How a child ended. */
export interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** exited by itself · stopped by SIGTERM (or a signal sent by the test) · SIGKILLed after the grace or the limit. */
  readonly how: 'exited' | 'terminated' | 'killed';
}

export interface Spawned {
  readonly child: ChildProcessWithoutNullStreams;
  /** The child's pid, which is also its process group id. */
  readonly pid: number;
  readonly command: string;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout (or `stream`) has matched `pattern` after `from` characters; rejects after `ms` or on exit. */
  waitFor(pattern: RegExp, opts?: { from?: number; ms?: number; stream?: 'stdout' | 'stderr' }): Promise<void>;
  /** Settles when the child has exited and its streams closed. */
  readonly exited: Promise<Ended>;
  /** Whether the hard limit killed it. */
  readonly timedOut: () => boolean;
}

interface Entry {
  proc: Spawned;
  readonly record: string;
  killedBySignalFromHelper: boolean;
  limitHit: boolean;
}

const live = new Set<Entry>();

function runDir(): string {
  let dir: string | undefined;
  try {
    dir = inject('vigilProcessDir');
  } catch {
    dir = undefined;
  }
  // Outside the test runner's global setup (a bench, a single file run with another config): a private directory.
  const d = dir ?? join(tmpdir(), `vigil-processes-${process.pid}`);
  mkdirSync(d, { recursive: true });
  return d;
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is already empty.
  }
}

async function waitGroupEmpty(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (groupMembers(pgid).length > 0) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/**
 * Starts `command args…` in its own process group with piped stdio and a hard limit of `limitMs` (ms). `env` replaces
 * the environment entirely (give PATH yourself when the child needs it).
 */
export function spawnProcess(command: string, args: readonly string[], opts: {
  cwd?: string; env?: Readonly<Record<string, string>>; limitMs?: number;
} = {}): Spawned {
  const child = spawn(command, [...args], {
    cwd: opts.cwd, env: opts.env ?? { PATH: process.env.PATH ?? '' }, stdio: ['pipe', 'pipe', 'pipe'], detached: true,
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  const line = [command, ...args].join(' ');
  const record = join(runDir(), `${pid}.json`);
  writeFileSync(record, JSON.stringify({ pid, command: line, cwd: opts.cwd ?? process.cwd(), startedAt: new Date().toISOString() }));
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  let exitedFlag = false;
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); for (const w of waiters) w(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); for (const w of waiters) w(); });
  // A child that stops reading its stdin (or exits) must not crash the test with EPIPE.
  child.stdin.on('error', () => undefined);
  const entry: Entry = { proc: undefined as unknown as Spawned, record, killedBySignalFromHelper: false, limitHit: false };
  const limit = setTimeout(() => {
    entry.limitHit = true;
    entry.killedBySignalFromHelper = true;
    killGroup(pid, 'SIGKILL');
  }, opts.limitMs ?? PROCESS_LIMIT_MS);
  limit.unref();
  const exited = new Promise<Ended>((done) => {
    child.on('close', (code, signal) => {
      exitedFlag = true;
      clearTimeout(limit);
      for (const w of waiters) w();
      const how: Ended['how'] = signal === null ? 'exited' : signal === 'SIGKILL' && entry.killedBySignalFromHelper ? 'killed' : 'terminated';
      done({ code, signal, stdout: out, stderr: err, how });
    });
  });
  const proc: Spawned = {
    child, pid, command: line, exited, stdout: () => out, stderr: () => err, timedOut: () => entry.limitHit,
    waitFor(pattern, o = {}) {
      return new Promise((res, rej) => {
        const text = (): string => (o.stream === 'stderr' ? err : out).slice(o.from ?? 0);
        const finish = (e?: Error): void => {
          waiters.delete(check);
          clearTimeout(timer);
          if (e) rej(e);
          else res();
        };
        const check = (): void => {
          if (pattern.test(text())) finish();
          else if (exitedFlag) finish(new Error(`${line} exited before printing ${String(pattern)}; stdout: ${out.slice(-2000)}; stderr: ${err.slice(-2000)}`));
        };
        const timer = setTimeout(() => {
          finish(new Error(`timed out waiting for ${String(pattern)}; stdout: ${out.slice(-2000)}; stderr: ${err.slice(-2000)}`));
        }, o.ms ?? 30_000);
        waiters.add(check);
        check();
      });
    },
  };
  entry.proc = proc;
  live.add(entry);
  return proc;
}

/**
 * Stops `proc`: SIGTERM to its group, then SIGKILL to the group after `graceMs` (ms) if it has not exited; also kills
 * anything of the group left behind by a leader that exited. Resolves with how it ended.
 */
export async function stop(proc: Spawned, graceMs = 5_000): Promise<Ended> {
  const entry = [...live].find((e) => e.proc === proc);
  killGroup(proc.pid, 'SIGTERM');
  const inTime = await Promise.race([proc.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs))]);
  if (!inTime) {
    if (entry) entry.killedBySignalFromHelper = true;
    killGroup(proc.pid, 'SIGKILL');
  }
  const ended = await proc.exited;
  await reap(proc);
  return ended;
}

/** Kills whatever is left of `proc`'s group and forgets it once the group is empty. */
async function reap(proc: Spawned): Promise<void> {
  const entry = [...live].find((e) => e.proc === proc);
  if (groupMembers(proc.pid).length > 0) {
    if (entry) entry.killedBySignalFromHelper = true;
    killGroup(proc.pid, 'SIGKILL');
  }
  if (await waitGroupEmpty(proc.pid, 5_000)) {
    if (entry) {
      live.delete(entry);
      rmSync(entry.record, { force: true });
    }
  }
}

/** Runs after every test: kills the groups of the test's children and fails the test if one hit its hard limit. */
async function reapAll(): Promise<void> {
  const entries = [...live];
  for (const e of entries) {
    if (e.proc.child.exitCode === null && e.proc.child.signalCode === null) {
      e.killedBySignalFromHelper = true;
      killGroup(e.proc.pid, 'SIGKILL');
    }
  }
  for (const e of entries) {
    await Promise.race([e.proc.exited, new Promise((r) => setTimeout(r, 5_000))]);
    await reap(e.proc);
  }
  const limited = entries.filter((e) => e.limitHit);
  for (const e of limited) e.limitHit = false;
  if (limited.length > 0) {
    throw new Error(limited.map((e) => `${e.proc.command} ran past its time limit and was killed; stdout: ${e.proc.stdout().slice(-2000)}; stderr: ${e.proc.stderr().slice(-2000)}`).join('\n'));
  }
}

afterEach(reapAll);
afterAll(reapAll);
