/**
 * The full portfolio report against test/risk/reference/report.py (numpy/scipy, same book, same real closes
 * 2024-01-01..2025-06-30): SOL 10 @ $100, BTC −0.01 @ $50,000, ETH 0.5 @ $2,000, and a SOL/USDC DLMM LP of 11 bins ×
 * $100 liquidity from bin 2300 at 20 bp; equity $2,000; 95%. Historical = overlapping h-day returns applied to today's
 * book with the LP revalued in full; parametric = delta-normal with the LP's inventory delta (base held × price).
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Instrument } from '../../src/risk/portfolio-model.ts';
import { riskReport, type ReportInput } from '../../src/risk/report.ts';
import { describeShared, lazy } from '../helpers/shared-dir.ts';
import { dailyCloses, expectRel } from './reference/helpers.ts';

const ASSETS = ['BTC', 'ETH', 'SOL', 'USDC'];
const PRICES = { BTC: 50_000, ETH: 2_000, SOL: 100, USDC: 1 };
const INSTRUMENTS: Instrument[] = [
  { kind: 'linear', id: 'sol', label: 'SOL', asset: 'SOL', units: 10 },
  { kind: 'linear', id: 'btc', label: 'BTC', asset: 'BTC', units: -0.01 },
  { kind: 'linear', id: 'eth', label: 'ETH', asset: 'ETH', units: 0.5 },
  { kind: 'lp', id: 'lp', label: 'LP', asset: 'SOL', quoteAsset: 'USDC', binStep: 20, feesUsd: 0, bins: Array.from({ length: 11 }, (_, k) => ({ binId: 2300 + k, liquidity: 100 })) },
];

function input(over: Partial<ReportInput> = {}): ReportInput {
  return {
    instruments: INSTRUMENTS, prices: PRICES, equityUsd: 2000, assets: ASSETS,
    closes: ASSETS.map((a) => dailyCloses(a, '2024-01-01', '2025-06-30')), confidence: 0.95, horizon: 1, periodsPerYear: 365,
    monteCarlo: { paths: 10_000, seed: 7, dist: 'normal' }, benchmarks: ['SOL', 'BTC'], ...over,
  };
}

describeShared('riskReport vs numpy', () => {
  const report = lazy(() => riskReport(input()));

  it('historical VaR/ES at 1 and 7 days (overlapping returns, LP revalued)', () => {
    const r = report();
    expect(r.days).toBe(546);
    expectRel(r.historical.var, 0.0849061922179839, 1e-9);
    expectRel(r.historical.es, 0.11540845694170455, 1e-9);
    expectRel(r.var7d.var, 0.19895310016070772, 1e-9);
    expectRel(r.var7d.es, 0.2610356669813002, 1e-9);
  });

  it('parametric delta-normal VaR/ES with the LP’s inventory delta (base held × price)', () => {
    const r = report();
    expectRel(r.parametric.var, 0.07570961427422813, 1e-9);
    expectRel(r.parametric.es, 0.09494291069797713, 1e-9);
  });

  it('tail contributions per position match and sum to ES', () => {
    const r = report();
    const c = Object.fromEntries(r.contributions.map((x) => [x.label, x.esUsd]));
    expectRel(c.SOL!, 87.3860110823746, 1e-9);
    expectRel(c.BTC!, -22.715639454798204, 1e-9);
    expectRel(c.ETH!, 72.91604066632128, 1e-9);
    expectRel(c.LP!, 93.23050158951148, 1e-9);
    expectRel(r.contributions.reduce((s, x) => s + x.esUsd, 0), r.historical.es * 2000, 1e-9);
    expectRel(r.contributions.reduce((s, x) => s + x.share, 0), 1, 1e-12);
  });

  // Reference: test/risk/reference/correlation.py — pandas DataFrame.corr() of the dated returns (pairwise-complete).
  it('shows the pairwise-complete correlation when given the unaligned dated closes; VaR stays on common dates', () => {
    const dated = (a: string, from: string): { t: number[]; v: number[] } => {
      const v = dailyCloses(a, from, '2025-06-30');
      const t0 = Date.parse(`${from}T00:00:00Z`);
      return { t: v.map((_, i) => t0 + i * 86_400_000), v };
    };
    const starts: Record<string, string> = { BTC: '2024-01-01', ETH: '2024-03-01', SOL: '2024-06-01', USDC: '2024-01-01' };
    const aligned = input({ closes: ASSETS.map((a) => dailyCloses(a, '2024-06-01', '2025-06-30')) });
    const r = riskReport({ ...aligned, datedCloses: ASSETS.map((a) => dated(a, starts[a]!)) });
    const want: Record<string, number> = { 'BTC ETH': 0.8054274424096668, 'BTC SOL': 0.7642287933955326, 'ETH SOL': 0.7308723659724948 };
    for (const [pair, v] of Object.entries(want)) {
      const [a, b] = pair.split(' ') as [string, string];
      expectRel(r.correlation.matrix[r.correlation.assets.indexOf(a)]![r.correlation.assets.indexOf(b)]!, v, 1e-12);
    }
    expect(r.historical).toEqual(riskReport(aligned).historical);
  });

  it('backtest volatility, Sharpe, drawdown, beta and correlation', () => {
    const r = report();
    expectRel(r.volAnnual, 0.8484154897819355, 1e-9);
    expectRel(r.sharpe, -2.9007140649411487, 1e-9);
    expectRel(r.maxDrawdown, 0.987240383265143, 1e-9);
    expectRel(r.betas.SOL!, 0.9246496898415821, 1e-9);
    const i = r.correlation.assets.indexOf('SOL');
    const j = r.correlation.assets.indexOf('BTC');
    expectRel(r.correlation.matrix[i]![j]!, 0.7562021089962638, 1e-9);
  });

  it('Monte Carlo agrees with parametric on a linear book (same covariance), and sees the LP’s short gamma', () => {
    const r = report();
    const linear = riskReport(input({ instruments: INSTRUMENTS.filter((i) => i.kind === 'linear'), garch: false }));
    // 10,000 normal paths: the 95% quantile's standard error is about 2% of it.
    expect(Math.abs(linear.monteCarlo.var / linear.parametric.var - 1)).toBeLessThan(0.05);
    expect(Math.abs(linear.monteCarlo.es / linear.parametric.es - 1)).toBeLessThan(0.05);
    // With the LP revalued per path, the loss tail is fatter than its delta implies.
    expect(r.monteCarlo.var).toBeGreaterThan(r.parametric.var);
    expect(r.monteCarlo.paths).toBe(10_000);
  });

  it('fits GARCH and EWMA for every held asset', () => {
    const r = report();
    expect(r.perAsset.map((a) => a.asset)).toEqual(['BTC', 'ETH', 'SOL']);
    for (const a of r.perAsset) {
      expect(a.garchVolAnnual).toBeGreaterThan(0.2);
      expect(a.garchVolAnnual).toBeLessThan(2);
      expect(a.garchPersistence).toBeLessThan(1);
    }
  });
});

describeShared('riskReport properties', () => {
  it('VaR99 ≥ VaR95 and ES ≥ VaR for every method; Monte Carlo is deterministic for a seed', () => {
    const r95 = riskReport(input({ garch: false }));
    const r99 = riskReport(input({ garch: false, confidence: 0.99 }));
    for (const m of ['historical', 'parametric', 'monteCarlo'] as const) {
      expect(r99[m].var).toBeGreaterThanOrEqual(r95[m].var);
      expect(r95[m].es).toBeGreaterThanOrEqual(r95[m].var);
      expect(r99[m].es).toBeGreaterThanOrEqual(r99[m].var);
    }
    expect(riskReport(input({ garch: false })).monteCarlo).toEqual(r95.monteCarlo);
  });

  it('parametric VaR scales with √h; a linear book’s contributions always sum to ES', () => {
    fc.assert(fc.property(
      fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 3, maxLength: 3 }),
      fc.integer({ min: 1, max: 10 }),
      (units, h) => {
        const instruments: Instrument[] = ['BTC', 'ETH', 'SOL'].map((a, k) => ({ kind: 'linear', id: a, label: a, asset: a, units: (units[k] ?? 0) / (PRICES[a as 'SOL'] / 100) }));
        if (instruments.every((x) => x.kind === 'linear' && Math.abs(x.units) < 1e-9)) return;
        const one = riskReport(input({ instruments, horizon: 1, garch: false }));
        const many = riskReport(input({ instruments, horizon: h, garch: false }));
        expectRel(many.parametric.var, one.parametric.var * Math.sqrt(h), 1e-9);
        const sum = many.contributions.reduce((s, x) => s + x.esUsd, 0);
        expect(Math.abs(sum - many.historical.es * 2000)).toBeLessThan(1e-6 * Math.max(1, many.historical.es * 2000));
        expect(many.maxDrawdown).toBeGreaterThanOrEqual(0);
        expect(many.maxDrawdown).toBeLessThanOrEqual(1);
      },
    ), { numRuns: 25 });
  });

  it('rejects what it cannot measure, with a reason', () => {
    expect(() => riskReport(input({ equityUsd: 0 }))).toThrow(/no positive equity/);
    expect(() => riskReport(input({ closes: ASSETS.map((a) => dailyCloses(a, '2025-06-01', '2025-06-20')) }))).toThrow(/at least 30 daily closes/);
    expect(() => riskReport(input({ assets: ['BTC', 'ETH', 'USDC'], closes: ['BTC', 'ETH', 'USDC'].map((a) => dailyCloses(a, '2024-01-01', '2025-06-30')) }))).toThrow(/no price history for SOL/);
  });
});
