/** Helpers shared by the price-history adapters: interval lengths, query checks and slicing a series by a query. */
import type { HistoryQuery, Interval, PriceSeries } from '../ports/index.ts';
import { UserError } from '../shared/errors.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const INTERVAL_MS: Readonly<Record<Interval, number>> = { '1h': HOUR_MS, '1d': DAY_MS };
export const INTERVALS: readonly Interval[] = ['1h', '1d'];

/** Rejects a query no source can answer (callers may be plain JS, so the interval is checked at run time too). */
export function checkQuery(q: HistoryQuery): void {
  if (!INTERVALS.includes(q.interval)) {
    throw new UserError('bad_argument', `Unknown interval "${String(q.interval)}".`, `Use one of: ${INTERVALS.join(', ')}`);
  }
  for (const key of ['from', 'to'] as const) {
    const v = q[key];
    if (v !== undefined && !Number.isFinite(v)) throw new UserError('bad_argument', `"${key}" must be a time in epoch ms, got ${String(v)}.`);
  }
  if (q.limit !== undefined && !(Number.isInteger(q.limit) && q.limit >= 0)) {
    throw new UserError('bad_argument', `"limit" must be a whole number ≥ 0, got ${String(q.limit)}.`);
  }
}

/** The first index i with t[i] ≥ x (t ascending); t.length if none. */
export function lowerBound(t: readonly number[], x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((t[mid] ?? Infinity) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index i with t[i] > x (t ascending); t.length if none. */
export function upperBound(t: readonly number[], x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((t[mid] ?? Infinity) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The points of an ascending series with from ≤ t ≤ to, at most the `limit` most recent; fresh arrays. */
export function sliceSeries(
  asset: string, interval: Interval, t: readonly number[], close: readonly number[], q: HistoryQuery,
): PriceSeries {
  const lo0 = q.from === undefined ? 0 : lowerBound(t, q.from);
  const hi = q.to === undefined ? t.length : upperBound(t, q.to);
  const lo = q.limit === undefined ? lo0 : Math.max(lo0, hi - q.limit);
  return lo >= hi
    ? { asset, interval, t: [], close: [] }
    : { asset, interval, t: t.slice(lo, hi), close: close.slice(lo, hi) };
}
