import { describe, expect, it } from 'vitest';
import { ASSET_STATS, CORRELATION } from '../../../src/venues/paper/calibration.ts';
import { DAY_MS, HOUR_MS, MarketSimulator, PAPER_ASSETS } from '../../../src/venues/paper/simulator.ts';

function dailyReturns(seed: number, days: number, stepMs: number): number[][] {
  const sim = new MarketSimulator({ seed, maxStepMs: stepMs });
  const out: number[][] = PAPER_ASSETS.map(() => []);
  let prev = sim.prices();
  for (let d = 0; d < days; d++) {
    sim.advance(DAY_MS);
    const p = sim.prices();
    PAPER_ASSETS.forEach((a, i) => out[i]!.push(Math.log(p[a] / prev[a])));
    prev = p;
  }
  return out;
}

const mean = (x: number[]): number => x.reduce((s, v) => s + v, 0) / x.length;
const sd = (x: number[]): number => {
  const m = mean(x);
  return Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1));
};
const corr = (x: number[], y: number[]): number => {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sx = 0;
  let sy = 0;
  x.forEach((xi, i) => {
    const yi = y[i]!;
    sxy += (xi - mx) * (yi - my);
    sx += (xi - mx) ** 2;
    sy += (yi - my) ** 2;
  });
  return sxy / Math.sqrt(sx * sy);
};
const excessKurtosis = (x: number[]): number => {
  const m = mean(x);
  const s2 = x.reduce((s, v) => s + (v - m) ** 2, 0) / x.length;
  return x.reduce((s, v) => s + (v - m) ** 4, 0) / x.length / (s2 * s2) - 3;
};

describe('MarketSimulator', () => {
  it('starts at the last real closes', () => {
    const p = new MarketSimulator({ seed: 1 }).prices();
    expect(p.SOL).toBeCloseTo(124.65, 9);
    expect(p.BTC).toBeCloseTo(87648.22, 6);
    expect(p.BONK).toBeCloseTo(0.00000747, 15);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = new MarketSimulator({ seed: 42 });
    const b = new MarketSimulator({ seed: 42 });
    const c = new MarketSimulator({ seed: 43 });
    for (const s of [a, b, c]) s.advance(10 * DAY_MS);
    expect(a.prices()).toEqual(b.prices());
    expect(a.prices().SOL).not.toBe(c.prices().SOL);
  });

  // 20,000 simulated days at a fixed seed: vols, correlations and fat tails must match the calibration.
  const daily = dailyReturns(11, 20_000, DAY_MS);

  /**
   * Interquartile range of daily log returns = 2 × t.ppf(0.75, ν) × √((ν−2)/ν) × windowDailyVol (scipy, ν and vol
   * from calibration.ts). A robust scale check: with ν near 2.6 (BTC) the sample std converges far too slowly.
   */
  const IQR: Record<string, number> = {
    SOL: 0.04288865318, BTC: 0.01956278687, ETH: 0.03248735085, JUP: 0.07078630416, BONK: 0.06951471792,
    JTO: 0.06331437886, PYTH: 0.06197551536, RAY: 0.06981156271, WIF: 0.09475552235,
  };
  const iqr = (x: number[]): number => {
    const s = [...x].sort((a, b) => a - b);
    const q = (p: number): number => {
      const h = (s.length - 1) * p;
      const lo = Math.floor(h);
      return s[lo]! + (h - lo) * (s[lo + 1]! - s[lo]!);
    };
    return q(0.75) - q(0.25);
  };

  it('reproduces each asset’s calibrated scale and tail shape (IQR within 3%)', () => {
    PAPER_ASSETS.forEach((a, i) => {
      if (a === 'USDC') return;
      expect(Math.abs(iqr(daily[i]!) / IQR[a]! - 1), a).toBeLessThan(0.03);
    });
  });

  it('reproduces SOL’s daily volatility (ν = 3.4: sample std within 10%)', () => {
    expect(Math.abs(sd(daily[0]!) / ASSET_STATS.SOL.windowDailyVol - 1)).toBeLessThan(0.1);
  });

  it('reproduces the measured correlations of the majors (within 0.03)', () => {
    const idx = (a: string): number => PAPER_ASSETS.indexOf(a as (typeof PAPER_ASSETS)[number]);
    for (const [x, y] of [['SOL', 'BTC'], ['SOL', 'ETH'], ['BTC', 'ETH']] as const) {
      const target = CORRELATION[idx(x)]![idx(y)]!;
      expect(Math.abs(corr(daily[idx(x)]!, daily[idx(y)]!) - target), `${x}-${y}`).toBeLessThan(0.03);
    }
    // USDC is uncorrelated with risk assets.
    expect(Math.abs(corr(daily[idx('SOL')]!, daily[idx('USDC')]!))).toBeLessThan(0.05);
  });

  it('has fat tails like the data (positive excess kurtosis) and a flat drift', () => {
    const sol = daily[0]!;
    expect(excessKurtosis(sol)).toBeGreaterThan(2);
    // Zero-drift in price: the mean daily log return is −σ²/2, within 3 standard errors.
    const s = ASSET_STATS.SOL.windowDailyVol;
    expect(Math.abs(mean(sol) + (s * s) / 2)).toBeLessThan((3 * s) / Math.sqrt(sol.length));
  });

  it('scales hourly steps to the same daily volatility (√t)', () => {
    const hourly = dailyReturns(12, 3_000, HOUR_MS);
    expect(Math.abs(sd(hourly[0]!) / ASSET_STATS.SOL.windowDailyVol - 1)).toBeLessThan(0.08);
  });

  it('keeps USDC near $1 (mean-reverting)', () => {
    const sim = new MarketSimulator({ seed: 5 });
    let worst = 0;
    for (let i = 0; i < 2_000; i++) {
      sim.advance(DAY_MS);
      worst = Math.max(worst, Math.abs(sim.prices().USDC - 1));
    }
    expect(worst).toBeLessThan(0.005);
  });

  it('rejects a negative or non-finite advance', () => {
    const sim = new MarketSimulator({ seed: 1 });
    expect(() => sim.advance(-1)).toThrow(RangeError);
    expect(() => sim.advance(Number.NaN)).toThrow(RangeError);
  });
});
