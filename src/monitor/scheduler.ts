/**
 * The monitor's job table on node-cron v4, and the push trigger that turns venue change notifications into immediate
 * evaluations.
 *
 * - Jobs are named, run in UTC unless given a time zone (the daily report uses the configured one), and never overlap:
 *   a tick that finds the previous run still going is skipped and counted (`skipped` in the heartbeat).
 * - Every run records a heartbeat (start, end, ok/error) on the application clock.
 * - A job that throws is logged with its name and error and runs again at its next tick; it never stops other jobs or
 *   the scheduler, and nothing here rejects unhandled.
 */
import { createTask, type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import type { Clock } from '../ports/clock.ts';
import type { PositionSource } from '../ports/position-source.ts';
import { ConfigError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { parseSchedule } from './schedules.ts';

export interface Job {
  /** Unique name, used in logs and heartbeats ("refresh", "risk", "report" …). */
  readonly name: string;
  /** Cron expression, 5 or 6 fields (seconds optional). */
  readonly cron: string;
  /** IANA time zone the expression is read in; default the scheduler's (UTC). */
  readonly timezone?: string;
  readonly run: () => Promise<void>;
}

/** What one job has done so far. Times are epoch ms on the scheduler's clock; null until the first run. */
export interface Heartbeat {
  readonly name: string;
  readonly cron: string;
  readonly timezone: string;
  readonly lastStart: number | null;
  readonly lastEnd: number | null;
  /** Whether the last finished run succeeded; null before any run finished. */
  readonly lastOk: boolean | null;
  /** The last finished run's error message, when it failed. */
  readonly lastError?: string;
  /** Runs started (scheduled and manual). */
  readonly runs: number;
  /** Runs that threw. */
  readonly failures: number;
  /** Ticks skipped because the previous run was still going. */
  readonly skipped: number;
  readonly running: boolean;
}

export interface SchedulerOptions {
  readonly logger: Logger;
  readonly clock: Clock;
  /** Time zone for jobs that name none; default UTC. Keep it UTC and give only the daily report a local zone. */
  readonly timezone?: string;
}

interface JobState {
  readonly job: Job;
  readonly timezone: string;
  readonly log: Logger;
  task: ScheduledTask | undefined;
  /** The run in progress; settles (never rejects) when it ends. */
  inFlight: Promise<void> | undefined;
  /** A manual run asked for while one was in progress: starts once it ends. */
  queued: Promise<void> | undefined;
  lastStart: number | null;
  lastEnd: number | null;
  lastOk: boolean | null;
  lastError: string | undefined;
  runs: number;
  failures: number;
  skipped: number;
}

/** Throws a one-line ConfigError unless `tz` is an IANA time zone the runtime knows. */
function checkTimeZone(what: string, tz: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    throw new ConfigError(`${what}: expected an IANA time zone such as Europe/Paris or UTC, got ${JSON.stringify(tz)}`);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** node-cron's start/stop/destroy return a promise for background tasks (void for inline ones): never leave it unhandled. */
function settleQuietly(result: void | Promise<void>, log: Logger, what: string): void {
  if (result instanceof Promise) result.catch((err: unknown) => log.error({ err }, what));
}

/** node-cron's own messages (overlap blocked, missed execution) go to the job's pino logger. */
function cronLogger(log: Logger): CronLogger {
  return {
    info: (m) => log.debug(m),
    warn: (m) => log.warn(m),
    error: (m, err) => (m instanceof Error ? log.error({ err: m }, m.message) : log.error({ err }, m)),
    debug: (m, err) => (m instanceof Error ? log.debug({ err: m }, m.message) : log.debug({ err }, m)),
  };
}

export class Scheduler {
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly timezone: string;
  private readonly jobs = new Map<string, JobState>();
  private started = false;

  constructor(options: SchedulerOptions) {
    this.logger = options.logger;
    this.clock = options.clock;
    this.timezone = checkTimeZone('monitor time zone', options.timezone ?? 'UTC');
  }

  /** Registers a job; validates its expression and time zone (ConfigError). If the scheduler runs, the job starts now. */
  add(job: Job): void {
    const what = `monitor job ${JSON.stringify(job.name)}`;
    if (job.name.trim() === '') throw new ConfigError('monitor job: expected a name, got ""');
    if (this.jobs.has(job.name)) throw new ConfigError(`${what}: a job with this name already exists`);
    const cron = parseSchedule(what, job.cron);
    const timezone = checkTimeZone(what, job.timezone ?? this.timezone);
    const state: JobState = {
      job: { ...job, cron }, timezone, log: this.logger.child({ job: job.name }), task: undefined,
      inFlight: undefined, queued: undefined, lastStart: null, lastEnd: null, lastOk: null, lastError: undefined,
      runs: 0, failures: 0, skipped: 0,
    };
    this.jobs.set(job.name, state);
    if (this.started) this.schedule(state);
  }

  /** Starts every job's schedule (idempotent). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const s of this.jobs.values()) this.schedule(s);
  }

  /** Stops every schedule (no further ticks) and resolves once the runs in progress have finished. start() resumes. */
  async stop(): Promise<void> {
    this.started = false;
    for (const s of this.jobs.values()) {
      const task = s.task;
      s.task = undefined;
      if (task) settleQuietly(task.destroy(), s.log, 'destroying the task failed');
    }
    for (;;) {
      const pending = [...this.jobs.values()].flatMap((s) => [s.inFlight, s.queued]).filter((p) => p !== undefined);
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  }

  /** One heartbeat per job, in the order they were added. */
  heartbeats(): Heartbeat[] {
    return [...this.jobs.values()].map((s) => ({
      name: s.job.name,
      cron: s.job.cron,
      timezone: s.timezone,
      lastStart: s.lastStart,
      lastEnd: s.lastEnd,
      lastOk: s.lastOk,
      ...(s.lastError === undefined ? {} : { lastError: s.lastError }),
      runs: s.runs,
      failures: s.failures,
      skipped: s.skipped,
      running: s.inFlight !== undefined,
    }));
  }

  /**
   * Runs a job now, outside its schedule, and resolves when a run that started after this call has ended. If the job
   * is running, one more run is queued behind it (calls made meanwhile share it), so fresh data is always seen.
   * A failing run is logged and recorded in the heartbeat like a scheduled one; the promise still resolves.
   * Rejects only for an unknown job name.
   */
  runNow(name: string): Promise<void> {
    const s = this.jobs.get(name);
    if (!s) return Promise.reject(new Error(`unknown monitor job ${JSON.stringify(name)}`));
    const current = s.inFlight;
    if (!current) return this.execute(s);
    s.queued ??= current.then(() => {
      s.queued = undefined;
      return s.inFlight ?? this.execute(s);
    });
    return s.queued;
  }

  private schedule(s: JobState): void {
    // noOverlap: node-cron skips a tick while the promise returned for the previous one is pending (and emits
    // execution:overlap); tick() also skips while a manual run is in progress.
    const task = createTask(s.job.cron, () => this.tick(s), {
      name: s.job.name, timezone: s.timezone, noOverlap: true, logger: cronLogger(s.log),
    });
    task.on('execution:overlap', () => {
      s.skipped += 1;
    });
    s.task = task;
    settleQuietly(task.start(), s.log, 'starting the task failed');
  }

  private tick(s: JobState): Promise<void> {
    if (s.inFlight) {
      s.skipped += 1;
      s.log.warn('previous run still going, tick skipped');
      return Promise.resolve();
    }
    return this.execute(s);
  }

  /** Starts a run; the returned promise never rejects. The job counts as running before its first line executes. */
  private execute(s: JobState): Promise<void> {
    let ended!: () => void;
    const run = new Promise<void>((resolve) => {
      ended = resolve;
    });
    s.inFlight = run;
    void this.runOnce(s).then(() => {
      if (s.inFlight === run) s.inFlight = undefined;
      ended();
    });
    return run;
  }

  private async runOnce(s: JobState): Promise<void> {
    s.runs += 1;
    s.lastStart = this.clock.now();
    try {
      await s.job.run();
      s.lastOk = true;
      s.lastError = undefined;
    } catch (err) {
      s.failures += 1;
      s.lastOk = false;
      s.lastError = messageOf(err);
      s.log.error({ err }, 'monitor job failed');
    } finally {
      s.lastEnd = this.clock.now();
    }
  }
}

export interface PushTriggerOptions {
  /** The evaluation a change should cause at once, e.g. `() => scheduler.runNow('risk')`. Failures are logged. */
  readonly evaluate: () => Promise<void>;
  readonly logger: Logger;
  /** Name in log lines; default "push". */
  readonly name?: string;
  /**
   * Least real time between the starts of two evaluations, default 1000 ms. This bounds the rate when evaluating
   * itself causes changes (the paper venue notifies on every catch-up, including the one its snapshot() does).
   */
  readonly minIntervalMs?: number;
}

export interface PushTriggerStats {
  /** Change notifications received. */
  readonly notifications: number;
  /** Evaluations started. */
  readonly evaluations: number;
  /** Evaluations that threw. */
  readonly failures: number;
  readonly running: boolean;
  /** An evaluation is queued (behind the running one, or waiting for the minimum interval). */
  readonly pending: boolean;
}

/**
 * Debounces change notifications from venues (`PositionSource.onChange`: Drift account updates, paper price ticks)
 * into immediate evaluations, so a price crossing a threshold is acted on at once rather than at the next cron tick.
 *
 * Coalescing: at most one evaluation runs and at most one more is queued. Changes during a run mark the queued one;
 * a burst of changes while idle causes a single evaluation (started on the next microtask, or once `minIntervalMs`
 * has passed since the previous start).
 */
export class PushTrigger {
  private readonly evaluate: () => Promise<void>;
  private readonly log: Logger;
  private readonly minIntervalMs: number;
  private readonly unsubscribes = new Set<() => void>();
  private state: 'idle' | 'scheduled' | 'running' = 'idle';
  private dirty = false;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastStartMs = -Infinity;
  private idleWaiters: (() => void)[] = [];
  private counts = { notifications: 0, evaluations: 0, failures: 0 };

  constructor(options: PushTriggerOptions) {
    this.evaluate = options.evaluate;
    this.log = options.logger.child({ trigger: options.name ?? 'push' });
    this.minIntervalMs = Math.max(0, options.minIntervalMs ?? 1000);
  }

  /** Listens to a source's pushed changes (sources without `onChange` are ignored); returns an unsubscribe function. */
  watch(source: Pick<PositionSource, 'onChange'>): () => void {
    if (!source.onChange || this.closed) return () => undefined;
    const off = source.onChange(() => this.notify());
    const unsubscribe = (): void => {
      if (this.unsubscribes.delete(unsubscribe)) off();
    };
    this.unsubscribes.add(unsubscribe);
    return unsubscribe;
  }

  /** Something changed: evaluate as soon as allowed. */
  notify(): void {
    this.counts.notifications += 1;
    if (this.closed) return;
    if (this.state === 'running') this.dirty = true;
    else if (this.state === 'idle') this.arm();
  }

  stats(): PushTriggerStats {
    return { ...this.counts, running: this.state === 'running', pending: this.state === 'scheduled' || this.dirty };
  }

  /** Resolves when nothing is running or queued. */
  idle(): Promise<void> {
    if (this.state === 'idle') return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Unsubscribes from every source, drops the queued evaluation and waits for the running one. */
  async close(): Promise<void> {
    this.closed = true;
    for (const off of [...this.unsubscribes]) off();
    this.dirty = false;
    if (this.state === 'scheduled') {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.settle();
    }
    await this.idle();
  }

  private arm(): void {
    this.state = 'scheduled';
    const wait = this.lastStartMs + this.minIntervalMs - Date.now();
    if (wait <= 0) {
      queueMicrotask(() => this.begin());
    } else {
      this.timer = setTimeout(() => this.begin(), wait);
      this.timer.unref();
    }
  }

  private begin(): void {
    this.timer = undefined;
    if (this.state !== 'scheduled') return; // closed meanwhile
    this.state = 'running';
    this.dirty = false;
    this.lastStartMs = Date.now();
    this.counts.evaluations += 1;
    void this.runEvaluation();
  }

  private async runEvaluation(): Promise<void> {
    try {
      await this.evaluate();
    } catch (err) {
      this.counts.failures += 1;
      this.log.error({ err }, 'push-triggered evaluation failed');
    }
    if (this.dirty && !this.closed) this.arm();
    else this.settle();
  }

  private settle(): void {
    this.state = 'idle';
    this.dirty = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
