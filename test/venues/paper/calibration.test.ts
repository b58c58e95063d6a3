/**
 * The committed calibration against the real price history in ../shared/data/prices, read in place.
 * Independent expectations (numpy, pure-Python 50-digit Decimal and float64 JS agreed):
 *   SOL daily file: n = 2091 log returns, sample std (ddof=1) = 0.06401955815
 *   corr(SOL, BTC) of daily log returns over the 560 common days 2024-02-01..2025-08-13 = 0.7514380576
 */
import { readFileSync } from 'node:fs';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  ASSET_STATS, CALIBRATION_ASSETS, CORRELATION, CORRELATION_WINDOW, COPULA_CORRELATION,
} from '../../../src/venues/paper/calibration.ts';
import { itShared, lazy, sharedPath } from '../../helpers/shared-dir.ts';

function returns(asset: string): Map<string, number> {
  const rows = readFileSync(sharedPath('data', 'prices', `${asset}-USD.daily.csv`), 'utf8').trim().split('\n').slice(1)
    .map((l) => l.split(',') as [string, string]);
  const out = new Map<string, number>();
  for (let i = 1; i < rows.length; i++) out.set(rows[i]![0], Math.log(Number(rows[i]![1]) / Number(rows[i - 1]![1])));
  return out;
}

const sd = (x: number[]): number => {
  const m = x.reduce((s, v) => s + v, 0) / x.length;
  return Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1));
};

describe('calibration vs the real history', () => {
  const sol = lazy(() => returns('SOL'));
  const btc = lazy(() => returns('BTC'));

  itShared('SOL count and daily vol match the independent computation', () => {
    expect(sol().size).toBe(2091);
    expect(sd([...sol().values()])).toBeCloseTo(0.06401955815, 10);
    expect(ASSET_STATS.SOL.n).toBe(2091);
    expect(ASSET_STATS.SOL.dailyVol).toBeCloseTo(0.06401955815, 6);
  });

  itShared('SOL–BTC correlation over the common window matches', () => {
    const days = [...sol().keys()].filter((d) => d >= CORRELATION_WINDOW.from && d <= CORRELATION_WINDOW.to);
    expect(days).toHaveLength(CORRELATION_WINDOW.days);
    const x = days.map((d) => sol().get(d)!);
    const y = days.map((d) => btc().get(d)!);
    const mx = x.reduce((s, v) => s + v, 0) / x.length;
    const my = y.reduce((s, v) => s + v, 0) / y.length;
    const c = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0) / Math.sqrt(x.reduce((s, v) => s + (v - mx) ** 2, 0) * y.reduce((s, v) => s + (v - my) ** 2, 0));
    expect(c).toBeCloseTo(0.7514380576, 9);
    expect(CORRELATION[0]![1]).toBeCloseTo(c, 4);
    // The recent-window vol the simulator uses is the std over the same days.
    expect(ASSET_STATS.SOL.windowDailyVol).toBeCloseTo(sd(x), 6);
  });

  itShared('every asset’s committed vol and last close agree with its file', () => {
    for (const a of CALIBRATION_ASSETS) {
      const r = returns(a);
      expect(ASSET_STATS[a].n, a).toBe(r.size);
      expect(Math.abs(ASSET_STATS[a].dailyVol / sd([...r.values()]) - 1), a).toBeLessThan(1e-5);
      const last = readFileSync(sharedPath('data', 'prices', `${a}-USD.daily.csv`), 'utf8').trim().split('\n').pop()!.split(',')[1];
      expect(ASSET_STATS[a].lastClose, a).toBe(Number(last));
    }
  });

  it('correlation matrices are valid: symmetric, unit diagonal, positive definite', () => {
    for (const m of [CORRELATION, COPULA_CORRELATION]) {
      expect(m).toHaveLength(CALIBRATION_ASSETS.length);
      m.forEach((row, i) => {
        expect(row[i]).toBe(1);
        row.forEach((v, j) => expect(v).toBe(m[j]![i]));
      });
      expect(new CholeskyDecomposition(new Matrix(m.map((r) => [...r]))).isPositiveDefinite()).toBe(true);
    }
  });
});
