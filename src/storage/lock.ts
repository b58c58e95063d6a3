/**
 * One writer per state file: an exclusive lock file beside it, holding who took it (pid, host, start time). Created by
 * hard-linking a fully written temp file into place, so the lock appears atomically and never half-written; a lock
 * whose process is gone (same host, pid not running) is stale and taken over.
 */
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../shared/errors.ts';

export const LOCK_FILE = 'vigil.lock';

/** What a lock file says about its holder. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** ISO time the holder started. */
  readonly startedAt: string;
}

export interface StateLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Whether a stale lock (its process gone) was taken over, and whose it was. */
  readonly tookOver: LockHolder | null;
  /** Removes the lock if it is still ours. Idempotent. */
  release(): void;
}

function readHolder(file: string): LockHolder | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.host === 'string' && typeof v.startedAt === 'string') {
      return { pid: v.pid, host: v.host, startedAt: v.startedAt };
    }
  } catch {
    // Falls through: not a lock this program wrote.
  }
  return 'unreadable';
}

/** Whether `pid` is a running process on this host (EPERM: it exists but belongs to someone else). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describe(h: LockHolder): string {
  return `pid ${h.pid} on ${h.host}, started ${h.startedAt}`;
}

/**
 * Takes the lock of the state directory `dir`, or throws a ConfigError (one line) naming the holder. `now` is the
 * wall-clock start time recorded in the lock.
 */
export function acquireStateLock(dir: string, now: Date = new Date()): StateLock {
  const file = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: now.toISOString() };
  const temp = join(dir, `.${LOCK_FILE}.${process.pid}.tmp`);
  writeFileSync(temp, `${JSON.stringify(me)}\n`, { mode: 0o644 });
  let tookOver: LockHolder | null = null;
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(temp, file);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = readHolder(file);
      if (holder === 'missing') continue; // released between our link and our read: try again
      if (holder === 'unreadable') {
        throw new ConfigError(`VIGIL_DATA_DIR: ${file} exists but is not a Vigil lock; if no Vigil is running on ${dir}, delete it`);
      }
      const sameHost = holder.host === me.host;
      if (!sameHost || (holder.pid !== process.pid && isRunning(holder.pid))) {
        const how = sameHost ? 'stop it first' : `stop it there first, or if that host is gone delete ${file}`;
        throw new ConfigError(`VIGIL_DATA_DIR: ${dir} is in use by another Vigil (${describe(holder)}); ${how}`);
      }
      // Same host, process gone (kill -9, power loss): the lock is stale. Remove it only if it is still that one.
      const again = readHolder(file);
      if (typeof again === 'object' && again.pid === holder.pid && again.startedAt === holder.startedAt) {
        try {
          unlinkSync(file);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      }
      tookOver = holder;
      if (attempt === 2) throw new ConfigError(`VIGIL_DATA_DIR: could not take the lock ${file}; another Vigil is starting on ${dir}`);
    }
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // Nothing to clean.
    }
  }
  const held = readHolder(file);
  if (typeof held !== 'object' || held.pid !== me.pid || held.startedAt !== me.startedAt) {
    throw new ConfigError(`VIGIL_DATA_DIR: could not take the lock ${file}; another Vigil is starting on ${dir}`);
  }
  let released = false;
  return {
    file, holder: me, tookOver,
    release() {
      if (released) return;
      released = true;
      const cur = readHolder(file);
      if (typeof cur === 'object' && cur.pid === me.pid && cur.startedAt === me.startedAt) {
        try {
          unlinkSync(file);
        } catch {
          // Already gone.
        }
      }
    },
  };
}
