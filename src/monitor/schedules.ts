/**
 * The monitor's default cadence and the env keys that override it (DESIGN.md, Monitoring): cron expressions with an
 * optional seconds field, validated by node-cron.
 *
 * src/config.ts may not import this layer, so it carries the raw strings under these key names and the composition root
 * passes them through {@link resolveSchedules}, which throws a one-line {@link ConfigError} naming the key.
 */
import { validate } from 'node-cron';
import { ConfigError } from '../shared/errors.ts';

export const MONITOR_REFRESH_CRON = 'MONITOR_REFRESH_CRON';
export const MONITOR_RISK_CRON = 'MONITOR_RISK_CRON';
export const MONITOR_DRIFT_CRON = 'MONITOR_DRIFT_CRON';
export const MONITOR_SNAPSHOT_CRON = 'MONITOR_SNAPSHOT_CRON';
export const MONITOR_REPORT_CRON = 'MONITOR_REPORT_CRON';

/** The monitor's scheduled jobs. */
export type ScheduleName = 'refresh' | 'risk' | 'drift' | 'snapshot' | 'report';

/** Job → the env key that overrides its schedule. */
export const SCHEDULE_ENV_KEYS: Readonly<Record<ScheduleName, string>> = {
  refresh: MONITOR_REFRESH_CRON,
  risk: MONITOR_RISK_CRON,
  drift: MONITOR_DRIFT_CRON,
  snapshot: MONITOR_SNAPSHOT_CRON,
  report: MONITOR_REPORT_CRON,
};

/** Default schedules (6 fields: second minute hour day-of-month month day-of-week). */
export const DEFAULT_SCHEDULES: Readonly<Record<ScheduleName, string>> = {
  /** Positions and prices: every 10 seconds. */
  refresh: '*/10 * * * * *',
  /** Risk rules: every minute, on the minute. */
  risk: '0 * * * * *',
  /** Rebalance drift: every 5 minutes. */
  drift: '0 */5 * * * *',
  /** Portfolio snapshots for history: every 5 minutes. */
  snapshot: '0 */5 * * * *',
  /** Daily report: 09:00 — run it in the configured time zone (every other job stays in UTC). */
  report: '0 0 9 * * *',
};

/** Jobs whose expression is read in the configured local time zone rather than UTC. */
export const LOCAL_TIME_SCHEDULES: ReadonlySet<ScheduleName> = new Set<ScheduleName>(['report']);

const EXAMPLE = DEFAULT_SCHEDULES.refresh;

/**
 * Validates a cron expression of 5 or 6 fields (node-cron syntax, seconds optional) and returns it with whitespace
 * normalised. Throws a ConfigError of one line, e.g.
 * `MONITOR_REFRESH_CRON: expected a cron expression such as "*\/10 * * * * *", got "every 10s"`.
 */
export function parseSchedule(key: string, expr: string): string {
  const normalised = String(expr).trim().split(/\s+/).join(' ');
  const fields = normalised === '' ? 0 : normalised.split(' ').length;
  if ((fields === 5 || fields === 6) && validate(normalised)) return normalised;
  throw new ConfigError(`${key}: expected a cron expression such as ${JSON.stringify(exampleFor(key))}, got ${JSON.stringify(String(expr))}`);
}

function exampleFor(key: string): string {
  for (const [name, envKey] of Object.entries(SCHEDULE_ENV_KEYS)) {
    if (envKey === key) return DEFAULT_SCHEDULES[name as ScheduleName];
  }
  return EXAMPLE;
}

/**
 * The effective schedules: each job's override (looked up by env key, e.g. `{ MONITOR_RISK_CRON: '0 *\/2 * * * *' }`;
 * empty or missing → the default), validated. Throws the first ConfigError.
 */
export function resolveSchedules(overrides: Readonly<Record<string, string | undefined>> = {}): Record<ScheduleName, string> {
  const out = { ...DEFAULT_SCHEDULES };
  for (const name of Object.keys(SCHEDULE_ENV_KEYS) as ScheduleName[]) {
    const key = SCHEDULE_ENV_KEYS[name];
    const raw = overrides[key];
    if (raw !== undefined && raw.trim() !== '') out[name] = parseSchedule(key, raw);
  }
  return out;
}
