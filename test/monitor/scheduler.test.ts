/**
 * The monitor's job table on real node-cron v4. node-cron drives its ticks with setTimeout and reads `new Date()`, both
 * of which vitest's fake timers replace, so most tests run whole minutes of schedule in milliseconds; one test runs on
 * real timers to show the same behaviour against the wall clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PushTrigger, Scheduler } from '../../src/monitor/scheduler.ts';
import {
  DEFAULT_SCHEDULES, MONITOR_REFRESH_CRON, MONITOR_REPORT_CRON, MONITOR_RISK_CRON, parseSchedule, resolveSchedules,
  SCHEDULE_ENV_KEYS,
} from '../../src/monitor/schedules.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { ConfigError } from '../../src/shared/errors.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { PaperVenue } from '../../src/venues/paper/venue.ts';
import { captureLogger } from '../helpers/logger.ts';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0); // a Monday, on a whole minute

/** Wraps a job body to count how many copies of it run at once. */
function concurrency(body: () => Promise<void>): { run: () => Promise<void>; max: () => number; calls: () => number } {
  let now = 0;
  let max = 0;
  let calls = 0;
  return {
    run: async () => {
      calls += 1;
      now += 1;
      max = Math.max(max, now);
      try {
        await body();
      } finally {
        now -= 1;
      }
    },
    max: () => max,
    calls: () => calls,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('parseSchedule', () => {
  it('accepts every default, 5-field expressions, and normalises whitespace', () => {
    for (const [name, expr] of Object.entries(DEFAULT_SCHEDULES)) {
      expect(parseSchedule(SCHEDULE_ENV_KEYS[name as keyof typeof SCHEDULE_ENV_KEYS], expr)).toBe(expr);
    }
    expect(DEFAULT_SCHEDULES).toEqual({
      refresh: '*/10 * * * * *', risk: '0 * * * * *', drift: '0 */5 * * * *', snapshot: '0 */5 * * * *', report: '0 0 9 * * *',
    });
    expect(parseSchedule(MONITOR_RISK_CRON, '*/5 * * * *')).toBe('*/5 * * * *');
    expect(parseSchedule(MONITOR_RISK_CRON, '  0  */2 * * * *\t')).toBe('0 */2 * * * *');
    expect(parseSchedule(MONITOR_REPORT_CRON, '0 30 8 * * mon-fri')).toBe('0 30 8 * * mon-fri');
  });

  it('rejects a bad expression with one line naming the key', () => {
    expect(() => parseSchedule(MONITOR_REFRESH_CRON, 'every 10s')).toThrow(ConfigError);
    expect(() => parseSchedule(MONITOR_REFRESH_CRON, 'every 10s')).toThrow(
      new ConfigError('MONITOR_REFRESH_CRON: expected a cron expression such as "*/10 * * * * *", got "every 10s"'),
    );
    // The example is the key's own default.
    expect(() => parseSchedule(MONITOR_REPORT_CRON, '9am')).toThrow(
      new ConfigError('MONITOR_REPORT_CRON: expected a cron expression such as "0 0 9 * * *", got "9am"'),
    );
    for (const bad of ['', '* * * *', '* * * * * * *', '61 * * * * *', '* 60 * * * *', '* * 24 * * *', '@daily', '*/x * * * *', 'a\nb']) {
      let message = '';
      try {
        parseSchedule(MONITOR_RISK_CRON, bad);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        message = (err as Error).message;
      }
      expect(message, bad).toMatch(/^MONITOR_RISK_CRON: expected a cron expression such as "0 \* \* \* \* \*", got ".*"$/);
      expect(message).not.toContain('\n');
    }
  });

  it('resolveSchedules applies overrides by env key and keeps the defaults otherwise', () => {
    expect(resolveSchedules()).toEqual(DEFAULT_SCHEDULES);
    expect(resolveSchedules({ MONITOR_RISK_CRON: '0 */2 * * * *', MONITOR_DRIFT_CRON: '' }))
      .toEqual({ ...DEFAULT_SCHEDULES, risk: '0 */2 * * * *' });
    expect(() => resolveSchedules({ MONITOR_SNAPSHOT_CRON: 'hourly' })).toThrow(
      'MONITOR_SNAPSHOT_CRON: expected a cron expression such as "0 */5 * * * *", got "hourly"',
    );
  });
});

describe('Scheduler (node-cron on fake timers)', () => {
  let scheduler: Scheduler | undefined;

  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });

  afterEach(async () => {
    // stop() waits for runs sleeping on fake timers: keep the fake clock moving until it resolves.
    const stopping = scheduler?.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    await stopping;
    scheduler = undefined;
    vi.useRealTimers();
  });

  const make = (opts: Partial<ConstructorParameters<typeof Scheduler>[0]> = {}): Scheduler => {
    scheduler = new Scheduler({ logger: silentLogger(), clock: new ManualClock(T0), ...opts });
    return scheduler;
  };

  it('runs each job on its schedule', async () => {
    const s = make();
    let everySecond = 0;
    let everyTwo = 0;
    let everyMinute = 0;
    s.add({ name: 'a', cron: '* * * * * *', run: () => Promise.resolve(void (everySecond += 1)) });
    s.add({ name: 'b', cron: '*/2 * * * * *', run: () => Promise.resolve(void (everyTwo += 1)) });
    s.add({ name: 'c', cron: '0 * * * * *', run: () => Promise.resolve(void (everyMinute += 1)) });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(everySecond).toBe(0); // not started yet
    s.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect([everySecond, everyTwo, everyMinute]).toEqual([10, 5, 0]);
    await vi.advanceTimersByTimeAsync(50_000);
    expect([everySecond, everyTwo, everyMinute]).toEqual([60, 30, 1]);
    expect(s.heartbeats().map((h) => [h.name, h.runs, h.failures, h.skipped, h.timezone])).toEqual([
      ['a', 60, 0, 0, 'UTC'], ['b', 30, 0, 0, 'UTC'], ['c', 1, 0, 0, 'UTC'],
    ]);
  });

  it('logs a throwing job with its name and runs it again next tick; other jobs keep running', async () => {
    const { logger, records } = captureLogger();
    const s = make({ logger });
    let healthy = 0;
    let attempts = 0;
    s.add({ name: 'flaky', cron: '* * * * * *', run: () => Promise.reject(new Error(`rpc down #${++attempts}`)) });
    // A job that throws synchronously instead of returning a rejected promise is contained too.
    s.add({ name: 'sync-thrower', cron: '* * * * * *', run: () => { throw new TypeError('boom'); } });
    s.add({ name: 'healthy', cron: '* * * * * *', run: () => Promise.resolve(void (healthy += 1)) });
    s.start();
    await vi.advanceTimersByTimeAsync(5_000);

    expect(attempts).toBe(5);
    expect(healthy).toBe(5);
    const beats = Object.fromEntries(s.heartbeats().map((h) => [h.name, h]));
    expect(beats.flaky).toMatchObject({ runs: 5, failures: 5, lastOk: false, lastError: 'rpc down #5', running: false });
    expect(beats['sync-thrower']).toMatchObject({ runs: 5, failures: 5, lastOk: false, lastError: 'boom' });
    expect(beats.healthy).toMatchObject({ runs: 5, failures: 0, lastOk: true });
    expect(beats.healthy).not.toHaveProperty('lastError');

    const errors = records.filter((r) => r.level === 50);
    expect(errors).toHaveLength(10);
    expect(errors[0]).toMatchObject({ job: 'flaky', msg: 'monitor job failed', err: { message: 'rpc down #1', type: 'Error' } });
    expect(errors.filter((r) => r.job === 'sync-thrower')).toHaveLength(5);
  });

  it('never runs a slow job twice at once and counts the skipped ticks', async () => {
    const s = make();
    const slow = concurrency(() => sleep(2_300));
    s.add({ name: 'slow', cron: '* * * * * *', run: slow.run });
    s.start();
    // Ticks at 1…10 s: runs start at 1, 4, 7, 10 (2.3 s each); the ticks at 2, 3, 5, 6, 8, 9 find it still running.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(slow.calls()).toBe(4);
    expect(slow.max()).toBe(1);
    expect(s.heartbeats()[0]).toMatchObject({ runs: 4, skipped: 6, running: true });

    // A manual run while one is going waits its turn (one queued run, shared by every caller meanwhile).
    const manual = [s.runNow('slow'), s.runNow('slow'), s.runNow('slow')];
    await vi.advanceTimersByTimeAsync(4_800);
    await Promise.all(manual);
    expect(slow.max()).toBe(1);
    expect(slow.calls()).toBe(5); // the 10 s run (ends 12.3 s), then the queued manual one (12.3–14.6 s); ticks 11–14 skipped
    expect(s.heartbeats()[0]).toMatchObject({ runs: 5, skipped: 10 });
  });

  it('records start, end, ok and error on the application clock', async () => {
    const clock = new ManualClock(Date.UTC(2030, 5, 1));
    const s = make({ clock });
    let call = 0;
    let seenRunning: boolean | undefined;
    s.add({
      name: 'risk', cron: '*/10 * * * * *',
      run: async () => {
        call += 1;
        seenRunning = s.heartbeats()[0]?.running;
        await sleep(100);
        clock.advance(1_500); // the run takes 1.5 s of application time
        if (call === 2) throw new Error('VaR over limit check failed');
      },
    });
    expect(s.heartbeats()).toEqual([{
      name: 'risk', cron: '*/10 * * * * *', timezone: 'UTC', lastStart: null, lastEnd: null, lastOk: null,
      runs: 0, failures: 0, skipped: 0, running: false,
    }]);
    s.start();
    await vi.advanceTimersByTimeAsync(10_050);
    expect(s.heartbeats()[0]).toMatchObject({ running: true, runs: 1, lastStart: Date.UTC(2030, 5, 1), lastEnd: null });
    expect(seenRunning).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(s.heartbeats()[0]).toEqual({
      name: 'risk', cron: '*/10 * * * * *', timezone: 'UTC', lastStart: Date.UTC(2030, 5, 1),
      lastEnd: Date.UTC(2030, 5, 1) + 1_500, lastOk: true, runs: 1, failures: 0, skipped: 0, running: false,
    });
    clock.advance(8_500);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.heartbeats()[0]).toMatchObject({
      lastStart: Date.UTC(2030, 5, 1, 0, 0, 10), lastEnd: Date.UTC(2030, 5, 1, 0, 0, 11, 500), lastOk: false,
      lastError: 'VaR over limit check failed', runs: 2, failures: 1, running: false,
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.heartbeats()[0]).toMatchObject({ lastOk: true, runs: 3, failures: 1 });
    expect(s.heartbeats()[0]).not.toHaveProperty('lastError');
  });

  it('stop() halts further runs and waits for the running one; start() resumes', async () => {
    const s = make();
    let started = 0;
    let finished = 0;
    s.add({ name: 'snapshot', cron: '* * * * * *', run: async () => { started += 1; await sleep(3_000); finished += 1; } });
    s.start();
    await vi.advanceTimersByTimeAsync(1_500); // one run started at 1 s
    expect([started, finished]).toEqual([1, 0]);

    let stopped = false;
    const stopping = s.stop().then(() => { stopped = true; });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(stopped).toBe(false); // still waiting for the run (ends at 4 s)
    await vi.advanceTimersByTimeAsync(600);
    await stopping;
    expect([started, finished, stopped]).toEqual([1, 1, true]);

    await vi.advanceTimersByTimeAsync(10_000);
    expect(started).toBe(1); // no tick after stop
    expect(s.heartbeats()[0]?.running).toBe(false);

    s.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(started).toBe(2);
  });

  it('reads a daily-report expression in its own time zone, other jobs in UTC', async () => {
    vi.setSystemTime(Date.UTC(2026, 0, 5, 7, 59, 58)); // 08:59:58 in Paris (UTC+1 in winter)
    const s = make({ timezone: 'UTC' });
    const ran: [string, string][] = [];
    s.add({ name: 'report', cron: DEFAULT_SCHEDULES.report, timezone: 'Europe/Paris', run: () => Promise.resolve(void ran.push(['paris', new Date().toISOString()])) });
    s.add({ name: 'report-ny', cron: DEFAULT_SCHEDULES.report, timezone: 'America/New_York', run: () => Promise.resolve(void ran.push(['ny', new Date().toISOString()])) });
    s.add({ name: 'report-utc', cron: DEFAULT_SCHEDULES.report, run: () => Promise.resolve(void ran.push(['utc', new Date().toISOString()])) });
    s.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ran).toEqual([['paris', '2026-01-05T08:00:00.000Z']]);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(ran.map(([who]) => who)).toEqual(['paris', 'utc']);
    await vi.advanceTimersByTimeAsync(5 * 3_600_000);
    expect(ran).toEqual([['paris', '2026-01-05T08:00:00.000Z'], ['utc', '2026-01-05T09:00:00.000Z'], ['ny', '2026-01-05T14:00:00.000Z']]);
    expect(s.heartbeats().map((h) => h.timezone)).toEqual(['Europe/Paris', 'America/New_York', 'UTC']);
  });

  it('validates jobs as they are added and names unknown jobs', async () => {
    const s = make();
    const run = (): Promise<void> => Promise.resolve();
    expect(() => s.add({ name: 'refresh', cron: 'every 10s', run })).toThrow(
      new ConfigError('monitor job "refresh": expected a cron expression such as "*/10 * * * * *", got "every 10s"'),
    );
    expect(() => s.add({ name: 'report', cron: '0 0 9 * * *', timezone: 'Mars/Olympus', run })).toThrow(
      new ConfigError('monitor job "report": expected an IANA time zone such as Europe/Paris or UTC, got "Mars/Olympus"'),
    );
    expect(() => new Scheduler({ logger: silentLogger(), clock: new ManualClock(), timezone: 'Nowhere' })).toThrow(ConfigError);
    s.add({ name: 'refresh', cron: '*/10 * * * * *', run });
    expect(() => s.add({ name: 'refresh', cron: '* * * * * *', run })).toThrow('already exists');
    await expect(s.runNow('nope')).rejects.toThrow('unknown monitor job "nope"');
  });

  it('runNow runs a job outside its schedule, resolves even when it fails, and jobs added after start() are scheduled', async () => {
    const s = make();
    let n = 0;
    s.add({ name: 'report', cron: '0 0 9 * * *', run: () => (++n === 1 ? Promise.reject(new Error('no chat')) : Promise.resolve()) });
    await s.runNow('report');
    expect(s.heartbeats()[0]).toMatchObject({ runs: 1, failures: 1, lastOk: false, lastError: 'no chat' });
    await s.runNow('report');
    expect(s.heartbeats()[0]).toMatchObject({ runs: 2, lastOk: true });

    s.start();
    let late = 0;
    s.add({ name: 'late', cron: '* * * * * *', run: () => Promise.resolve(void (late += 1)) });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(late).toBe(3);
  });
});

describe('Scheduler on real timers', () => {
  it('runs seconds schedules against the wall clock, a failing job beside a healthy one', async () => {
    const { logger, records } = captureLogger();
    const s = new Scheduler({ logger, clock: new ManualClock(), timezone: 'UTC' });
    let ok = 0;
    s.add({ name: 'fails', cron: '* * * * * *', run: () => Promise.reject(new Error('down')) });
    s.add({ name: 'ok', cron: '* * * * * *', run: () => Promise.resolve(void (ok += 1)) });
    s.start();
    try {
      await vi.waitFor(() => expect(s.heartbeats()[0]?.failures).toBeGreaterThanOrEqual(2), { timeout: 3_500, interval: 50 });
      await vi.waitFor(() => expect(ok).toBeGreaterThanOrEqual(2), { timeout: 1_500, interval: 50 });
    } finally {
      await s.stop();
    }
    const after = ok;
    await sleep(1_050);
    expect(ok).toBe(after);
    expect(records.filter((r) => r.job === 'fails' && r.msg === 'monitor job failed').length).toBeGreaterThanOrEqual(2);
  });
});

describe('PushTrigger', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A PositionSource stand-in with the port's onChange. */
  function fakeSource(): { onChange: (l: () => void) => () => void; emit: () => void; listeners: () => number } {
    const listeners = new Set<() => void>();
    return {
      onChange: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      emit: () => {
        for (const l of listeners) l();
      },
      listeners: () => listeners.size,
    };
  }

  it('coalesces 100 rapid changes into at most 2 evaluations, never two at once', async () => {
    vi.useFakeTimers({ now: T0 });
    const source = fakeSource();
    const evaluation = concurrency(() => sleep(50));
    const trigger = new PushTrigger({ evaluate: evaluation.run, logger: silentLogger(), minIntervalMs: 0 });
    trigger.watch(source);
    for (let i = 0; i < 50; i++) source.emit(); // a burst before the first evaluation starts
    await Promise.resolve();
    expect(evaluation.calls()).toBe(1); // started at once, not at a later tick
    for (let i = 0; i < 50; i++) {
      source.emit(); // and a stream while it runs
      await vi.advanceTimersByTimeAsync(0.5);
    }
    await vi.advanceTimersByTimeAsync(200);
    await trigger.idle();
    expect(evaluation.calls()).toBe(2);
    expect(evaluation.max()).toBe(1);
    expect(trigger.stats()).toEqual({ notifications: 100, evaluations: 2, failures: 0, running: false, pending: false });
    await trigger.close();
  });

  it('evaluates a change at once, spaces evaluations by minIntervalMs, logs failures and unsubscribes on close', async () => {
    vi.useFakeTimers({ now: T0 });
    const { logger, records } = captureLogger();
    const source = fakeSource();
    const starts: number[] = [];
    let fail = true;
    const trigger = new PushTrigger({
      name: 'health', logger, minIntervalMs: 1_000,
      evaluate: () => {
        starts.push(Date.now() - T0);
        return fail ? Promise.reject(new Error('health rules failed')) : Promise.resolve();
      },
    });
    trigger.watch(source);
    trigger.watch({}); // a source without push updates is fine
    expect(source.listeners()).toBe(1);

    source.emit();
    await trigger.idle();
    expect(starts).toEqual([0]);
    expect(records.filter((r) => r.level === 50)).toMatchObject([{ trigger: 'health', msg: 'push-triggered evaluation failed', err: { message: 'health rules failed' } }]);

    fail = false;
    await vi.advanceTimersByTimeAsync(300);
    source.emit(); // 300 ms after the last start: waits until 1 000 ms
    source.emit();
    expect(trigger.stats().pending).toBe(true);
    await vi.advanceTimersByTimeAsync(699);
    expect(starts).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    await trigger.idle();
    expect(starts).toEqual([0, 1_000]);
    expect(trigger.stats()).toMatchObject({ notifications: 3, evaluations: 2, failures: 1 });

    await vi.advanceTimersByTimeAsync(5_000);
    source.emit();
    await trigger.close(); // the queued evaluation is dropped, the listener removed
    expect(source.listeners()).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    source.emit();
    expect(starts).toEqual([0, 1_000]);
  });

  it('follows the paper venue: a burst of price ticks gives at most 2 evaluations, each on fresh prices', async () => {
    const clock = new ManualClock(T0);
    const venue = new PaperVenue({ clock, seed: 7, historyDays: 2, historyHours: 2 });
    const seen: number[] = [];
    const evaluation = concurrency(async () => {
      const snap = await venue.snapshot();
      seen.push(snap.asOf);
      await sleep(20);
    });
    const trigger = new PushTrigger({ evaluate: evaluation.run, logger: silentLogger(), minIntervalMs: 0 });
    trigger.watch(venue);
    for (let i = 0; i < 100; i++) {
      clock.advance(60_000);
      venue.sync(true); // one simulated minute per tick, as the ticker does: listeners hear each
      if (i === 49) await sleep(5); // half the burst lands while the first evaluation runs
    }
    await trigger.idle();
    expect(evaluation.calls()).toBeLessThanOrEqual(2);
    expect(evaluation.max()).toBe(1);
    expect(seen.at(-1)).toBe(T0 + 100 * 60_000); // the last evaluation saw the last tick
    await trigger.close();
  });
});
