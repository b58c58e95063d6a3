/**
 * Price history for the paper market: a seeded back-history generated with the same calibrated model and anchored so
 * that it ends at the simulator's start prices, then the closes the live simulation records as it runs.
 */
import type { HistoryQuery, Interval, PriceHistory, PriceSeries } from '../../ports/index.ts';
import { UserError } from '../../shared/errors.ts';
import { DAY_MS, HOUR_MS, MarketSimulator, PAPER_ASSETS, type PaperAsset } from './simulator.ts';

const STEP: Record<Interval, number> = { '1h': HOUR_MS, '1d': DAY_MS };

export interface BackfillOptions {
  readonly seed: number;
  readonly startMs: number;
  readonly startPrices: Readonly<Record<PaperAsset, number>>;
  readonly days: number;
  readonly hours: number;
}

export class PaperPriceHistory implements PriceHistory {
  readonly name = 'paper simulator';
  private readonly series: Record<Interval, Map<PaperAsset, { t: number[]; close: number[] }>> = { '1h': new Map(), '1d': new Map() };

  constructor(opts: BackfillOptions) {
    for (const [interval, count] of [['1d', opts.days], ['1h', opts.hours]] as const) {
      // Separate seeds per interval so the back-history never reuses the live simulation's draws.
      const sim = new MarketSimulator({ seed: opts.seed + (interval === '1d' ? 1_000_003 : 2_000_003), maxStepMs: STEP[interval] });
      const path: Record<PaperAsset, number>[] = [sim.prices()];
      for (let i = 0; i < count; i++) {
        sim.advance(STEP[interval]);
        path.push(sim.prices());
      }
      const last = path[path.length - 1] as Record<PaperAsset, number>;
      const end = Math.floor(opts.startMs / STEP[interval]) * STEP[interval];
      for (const asset of PAPER_ASSETS) {
        const scale = opts.startPrices[asset] / last[asset];
        this.series[interval].set(asset, {
          t: path.map((_, i) => end - (path.length - 1 - i) * STEP[interval]),
          close: path.map((p) => p[asset] * scale),
        });
      }
    }
  }

  assets(): readonly string[] {
    return PAPER_ASSETS;
  }

  /** Records live prices at `t`: appends a close whenever an interval boundary has passed, else updates the last. */
  record(t: number, prices: Readonly<Record<PaperAsset, number>>): void {
    for (const interval of ['1h', '1d'] as const) {
      const bucket = Math.floor(t / STEP[interval]) * STEP[interval];
      for (const asset of PAPER_ASSETS) {
        const s = this.series[interval].get(asset);
        if (!s) continue;
        const lastT = s.t[s.t.length - 1] ?? -Infinity;
        if (bucket > lastT) {
          s.t.push(bucket);
          s.close.push(prices[asset]);
        } else {
          s.close[s.close.length - 1] = prices[asset];
        }
      }
    }
  }

  closes(asset: string, q: HistoryQuery): Promise<PriceSeries> {
    const s = this.series[q.interval].get(asset.toUpperCase() as PaperAsset);
    if (!s) return Promise.reject(new UserError('not_found', `No price history for ${asset}.`, `Known: ${PAPER_ASSETS.join(', ')}`));
    let lo = 0;
    let hi = s.t.length;
    if (q.from !== undefined) lo = s.t.findIndex((t) => t >= (q.from ?? 0));
    if (lo < 0) lo = s.t.length;
    if (q.to !== undefined) {
      const idx = s.t.findIndex((t) => t > (q.to ?? 0));
      hi = idx < 0 ? s.t.length : idx;
    }
    if (q.limit !== undefined) lo = Math.max(lo, hi - q.limit);
    return Promise.resolve({ asset: asset.toUpperCase(), interval: q.interval, t: s.t.slice(lo, hi), close: s.close.slice(lo, hi) });
  }
}
