/**
 * Date ticks for a linear epoch-ms axis, without a date adapter: round UTC steps (minutes … years) chosen so that about
 * `target` ticks fit, and short labels that add the date (or year) only where it changes. Labels are UTC.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

type Unit = 'second' | 'minute' | 'day' | 'month' | 'year';

interface Step {
  readonly unit: Unit;
  /** Multiple of the unit (for minute/day: a fixed length; for month/year: calendar steps). */
  readonly count: number;
  /** Approximate length in ms, used to pick the step. */
  readonly approxMs: number;
}

const STEPS: readonly Step[] = [
  ...[1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720].map((m) => ({ unit: 'minute' as const, count: m, approxMs: m * MINUTE })),
  ...[1, 2, 3, 7, 14].map((d) => ({ unit: 'day' as const, count: d, approxMs: d * DAY })),
  ...[1, 2, 3, 6].map((m) => ({ unit: 'month' as const, count: m, approxMs: m * 30.44 * DAY })),
  ...[1, 2, 5, 10, 20, 50, 100].map((y) => ({ unit: 'year' as const, count: y, approxMs: y * 365.25 * DAY })),
];

/** One tick: its position (epoch ms) and its label (two lines when the date or year changes). */
export interface TimeTick {
  readonly value: number;
  readonly label: string | readonly string[];
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function dayLabel(d: Date): string {
  return `${MONTHS[d.getUTCMonth()] ?? ''} ${d.getUTCDate()}`;
}

/** Tick positions for one step between min and max (inclusive). */
function positions(min: number, max: number, step: Step): number[] {
  const out: number[] = [];
  if (step.unit === 'minute' || step.unit === 'day') {
    const len = step.unit === 'minute' ? step.count * MINUTE : step.count * DAY;
    for (let v = Math.ceil(min / len) * len; v <= max; v += len) out.push(v);
    return out;
  }
  const start = new Date(min);
  if (step.unit === 'month') {
    // First month boundary ≥ min whose month index is a multiple of the step (Jan, Apr, Jul, Oct for 3).
    let y = start.getUTCFullYear();
    let m = start.getUTCMonth();
    if (Date.UTC(y, m, 1) < min) m += 1;
    m = Math.ceil(m / step.count) * step.count;
    for (;;) {
      y += Math.floor(m / 12);
      m %= 12;
      const v = Date.UTC(y, m, 1);
      if (v > max) break;
      out.push(v);
      m += step.count;
    }
    return out;
  }
  let y = start.getUTCFullYear();
  if (Date.UTC(y, 0, 1) < min) y += 1;
  y = Math.ceil(y / step.count) * step.count;
  for (let v = Date.UTC(y, 0, 1); v <= max; y += step.count, v = Date.UTC(y, 0, 1)) out.push(v);
  return out;
}

/** Labels: times with the date under the first tick of each day; days with the year under the first of each year. */
function labels(values: readonly number[], unit: Unit): TimeTick[] {
  let prev: Date | undefined;
  return values.map((value) => {
    const d = new Date(value);
    let label: string | string[];
    if (unit === 'minute' || unit === 'second') {
      const seconds = unit === 'second' ? `:${pad2(d.getUTCSeconds())}` : '';
      const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}${seconds}`;
      const newDay = !prev || prev.getUTCFullYear() !== d.getUTCFullYear() || prev.getUTCMonth() !== d.getUTCMonth()
        || prev.getUTCDate() !== d.getUTCDate();
      label = newDay ? [time, dayLabel(d)] : time;
    } else if (unit === 'year') {
      label = String(d.getUTCFullYear());
    } else {
      const main = unit === 'day' ? dayLabel(d) : (MONTHS[d.getUTCMonth()] ?? '');
      label = !prev || prev.getUTCFullYear() !== d.getUTCFullYear() ? [main, String(d.getUTCFullYear())] : main;
    }
    prev = d;
    return { value, label };
  });
}

/** Whether the ticks are times of day (then the axis should say "UTC"). */
export interface TimeTicks {
  readonly ticks: readonly TimeTick[];
  readonly intraday: boolean;
}

/**
 * Round UTC ticks between min and max (epoch ms), at most `target` of them (at least 2 when the range allows).
 * A range shorter than a minute gets its two ends as ticks.
 */
export function timeTicks(min: number, max: number, target = 6): TimeTicks {
  const span = max - min;
  for (const step of STEPS) {
    if (span / step.approxMs > target) continue;
    const values = positions(min, max, step);
    if (values.length <= target && values.length >= 2) return { ticks: labels(values, step.unit), intraday: step.unit === 'minute' };
    if (values.length < 2) break;
  }
  // Too short (or too long) for round steps: label the ends.
  const intraday = span < 2 * DAY;
  const unit: Unit = span < 2 * MINUTE ? 'second' : intraday ? 'minute' : 'day';
  return { ticks: labels([min, max], unit), intraday };
}
