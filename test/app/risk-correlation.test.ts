/**
 * The correlation users see is pairwise-complete (pandas' DataFrame.corr()): with BTC missing 30 days in the middle of
 * the window, SOL–ETH is still measured over every day both have, not only the days BTC has; VaR stays on common
 * dates. Expected values: Pearson's r of simple daily returns over each pair's common consecutive days, computed here
 * from the closes the app reads.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.ts';
import { buildApp } from '../../src/app/build.ts';
import type { PriceHistory, PriceSeries } from '../../src/ports/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { memoryRepositories } from '../../src/storage/memory/index.ts';
import { PaperVenue } from '../../src/venues/paper/venue.ts';
import { ROUND_PRICES, T0 } from '../helpers/app.ts';

const DAY = 86_400_000;

/** Simple returns between consecutive calendar days present in the series, keyed by the later day. */
function returnsByDay(s: PriceSeries): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 1; i < s.t.length; i++) if (s.t[i]! - s.t[i - 1]! === DAY) out.set(s.t[i]!, s.close[i]! / s.close[i - 1]! - 1);
  return out;
}

function pearson(a: Map<number, number>, b: Map<number, number>): number {
  const days = [...a.keys()].filter((d) => b.has(d));
  const x = days.map((d) => a.get(d)!);
  const y = days.map((d) => b.get(d)!);
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0, sxx = 0, syy = 0;
  x.forEach((v, i) => { sxy += (v - mx) * (y[i]! - my); sxx += (v - mx) ** 2; syy += (y[i]! - my) ** 2; });
  return sxy / Math.sqrt(sxx * syy);
}

describe('correlation shown to users', () => {
  it('is pairwise-complete: a gap in BTC does not shorten SOL–ETH', async () => {
    const clock = new ManualClock(T0);
    const venue = new PaperVenue({
      clock, seed: 3, startPrices: ROUND_PRICES, historyDays: 120, historyHours: 24,
      portfolio: { spot: [{ asset: 'USDC', amount: '10000' }, { asset: 'SOL', amount: '50', entryPrice: 100 }], perps: [{ market: 'ETH-PERP', size: '2', entryPrice: 2000 }, { market: 'BTC-PERP', size: '0.05', entryPrice: 50000 }], lp: [] },
    });
    // BTC's daily closes lose 30 days in the middle of the window.
    const gapFrom = T0 - 80 * DAY;
    const gapTo = T0 - 50 * DAY;
    const history: PriceHistory = {
      name: 'gappy', assets: () => venue.history.assets(),
      closes: async (asset, q) => {
        const s = await venue.history.closes(asset, q);
        if (asset !== 'BTC' || q.interval !== '1d') return s;
        const keep = s.t.map((t, i) => (t >= gapFrom && t < gapTo ? -1 : i)).filter((i) => i >= 0);
        return { ...s, t: keep.map((i) => s.t[i]!), close: keep.map((i) => s.close[i]!) };
      },
    };
    const { services } = buildApp({
      commands: COMMANDS, sources: [venue], history, repos: memoryRepositories(), clock, logger: silentLogger(), risk: { lookbackDays: 100 },
      runtime: { version: 't', venueMode: 'paper', executionMode: 'dry-run', transport: 'console', startedAt: T0, timeZone: 'UTC', storage: 'memory' },
    });
    const { report, history: aligned } = await services.risk.report();
    const { assets, matrix } = report.correlation;
    const at = (a: string, b: string): number => matrix[assets.indexOf(a)]![assets.indexOf(b)]!;
    const from = T0 - 100 * DAY;
    const series = async (a: string) => {
      const s = await history.closes(a, { interval: '1d', from: from - 2 * DAY, to: T0 });
      const k = s.t.findIndex((t) => t >= from);
      return returnsByDay({ ...s, t: s.t.slice(k), close: s.close.slice(k) });
    };
    const [sol, eth, btc] = await Promise.all(['SOL', 'ETH', 'BTC'].map(series));
    expect(at('SOL', 'ETH')).toBeCloseTo(pearson(sol!, eth!), 10);
    expect(at('SOL', 'BTC')).toBeCloseTo(pearson(sol!, btc!), 10);
    // The common dates (what VaR uses) skip BTC's gap; SOL–ETH over those alone (listwise) is another figure.
    expect(aligned.t.some((t) => t >= gapFrom && t < gapTo)).toBe(false);
    const listwise = new Map([...sol!].filter(([d]) => btc!.has(d)));
    expect(Math.abs(pearson(listwise, eth!) - at('SOL', 'ETH'))).toBeGreaterThan(1e-6);
  });
});
