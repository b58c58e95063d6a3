/** Aligned daily closes for a set of assets, from whichever PriceHistory the app runs on. */
import type { PriceHistory } from '../ports/index.ts';
import { alignSeries } from '../risk/returns.ts';
import { UserError } from '../shared/errors.ts';
import { CASH_ASSETS } from './views.ts';

export const DAY_MS = 86_400_000;
const STABLES = CASH_ASSETS;

export interface AlignedHistory {
  readonly assets: readonly string[];
  readonly t: readonly number[];
  readonly closes: readonly (readonly number[])[];
  /** Stablecoins without history over the window, held at $1 (and said so). */
  readonly assumedPegged: readonly string[];
  /**
   * Each asset's own dated closes over the window, before alignment (same order as `assets`): what a pairwise-complete
   * correlation reads, each pair over the days both have. A pegged stablecoin is its constant $1 on the common dates.
   */
  readonly dated: readonly { readonly t: readonly number[]; readonly v: readonly number[] }[];
}

/** Daily closes of `assets` over the last `days` (+ `extra`) days before `to`, on their common dates. */
export async function alignedDaily(history: PriceHistory, assets: readonly string[], to: number, days: number): Promise<AlignedHistory> {
  const from = to - (days + 2) * DAY_MS;
  const series = await Promise.all(assets.map(async (asset) => {
    try {
      return await history.closes(asset, { interval: '1d', from, to });
    } catch (err) {
      if (STABLES.has(asset)) return null;
      throw err;
    }
  }));
  const missing = assets.filter((a, i) => !STABLES.has(a) && (series[i]?.close.length ?? 0) < 2);
  if (missing.length > 0) throw new UserError('unavailable', `No daily price history for ${missing.join(', ')} in ${history.name}.`);
  // A stablecoin whose history would shorten everyone's window (e.g. a file that ends early) is held at $1 instead.
  const others = assets.map((a, i) => ({ a, s: series[i] })).filter((x) => !STABLES.has(x.a) && x.s);
  const start = Math.max(...others.map((x) => x.s?.t[0] ?? -Infinity));
  const end = Math.min(...others.map((x) => x.s?.t[x.s.t.length - 1] ?? Infinity));
  const covers = (t: readonly number[] | undefined): boolean => t !== undefined && t.length >= 2 && (t[0] as number) <= start && (t[t.length - 1] as number) >= end;
  const risky = assets.map((a, i) => ({ a, s: series[i] })).filter((x) => !STABLES.has(x.a) || covers(x.s?.t));
  const aligned = alignSeries(risky.map((x) => ({ t: x.s?.t ?? [], v: x.s?.close ?? [] })));
  const byAsset = new Map(risky.map((x, i) => [x.a, aligned.values[i] ?? []]));
  const assumedPegged = assets.filter((a) => !byAsset.has(a));
  const keep = Math.min(aligned.t.length, days + 1);
  const first = aligned.t.length - keep;
  const t = aligned.t.slice(first);
  // Pairwise: each asset over the whole lookback, not only the common window (a young asset must not shorten the
  // correlation of two old ones).
  const since = to - days * DAY_MS;
  return {
    assets,
    t,
    closes: assets.map((a) => (byAsset.get(a) ?? new Array<number>(aligned.t.length).fill(1)).slice(first)),
    assumedPegged,
    dated: assets.map((a, i) => {
      const s = series[i];
      if (!s || assumedPegged.includes(a)) return { t, v: t.map(() => 1) };
      const k = s.t.findIndex((x) => x >= since);
      return k < 0 ? { t: [], v: [] } : { t: s.t.slice(k), v: s.close.slice(k) };
    }),
  };
}
