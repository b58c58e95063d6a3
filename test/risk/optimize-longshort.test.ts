/**
 * Long-short optimisation (lower bounds below 0, gross cap Σ|w| ≤ L), efficient return and unreachable targets.
 * Reference numbers: test/risk/reference/optimize_longshort.json, written by optimize_longshort.py — scipy SLSQP on the
 * split w = w⁺ − w⁻ (gross cap as the linear inequality Σ(w⁺ + w⁻) ≤ L), polished by an exact KKT solve on SLSQP's
 * active set with the multiplier signs asserted, on six assets generated with numpy (seed 12; μ and Σ annual, as
 * PyPortfolioOpt's mean_historical_return and sample_cov compute them). Needs no shared data.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { covarianceMatrix } from '../../src/risk/covariance.ts';
import { RiskInputError } from '../../src/risk/errors.ts';
import {
  efficientReturn, maxSharpe, minVariance, riskParity, targetVolatility, UnreachableTargetError,
  type PortfolioOptimum, type WeightBounds,
} from '../../src/risk/optimize.ts';
import { expectRel } from './reference/helpers.ts';

interface RefCase {
  readonly weights: number[];
  readonly volatility: number;
  readonly return: number;
  readonly sharpe: number;
  readonly gross: number;
}
const REF = JSON.parse(readFileSync(join(import.meta.dirname, 'reference', 'optimize_longshort.json'), 'utf8')) as {
  mu: number[];
  cov: number[][];
  cases: Record<string, RefCase>;
  limits: Record<string, number>;
};
const MU = REF.mu;
const COV = REF.cov;
const SHORT: WeightBounds = MU.map(() => [-1, 1] as const);

const sum = (xs: readonly number[]): number => xs.reduce((s, v) => s + v, 0);
const gross = (xs: readonly number[]): number => xs.reduce((s, v) => s + Math.abs(v), 0);
const quad = (cov: readonly (readonly number[])[], w: readonly number[]): number =>
  w.reduce((s, wi, i) => s + wi * cov[i]!.reduce((t, c, j) => t + c * w[j]!, 0), 0);
const ret = (mu: readonly number[], w: readonly number[]): number => w.reduce((s, x, i) => s + x * mu[i]!, 0);

/** Weights within 1e-9 of scipy's (unique optima: Σ is positive definite), volatility and return within 1e-10 relative. */
function expectCase(r: PortfolioOptimum, name: string): void {
  const ref = REF.cases[name]!;
  expect(r.converged, name).toBe(true);
  r.weights.forEach((x, i) => expect(Math.abs(x - ref.weights[i]!), `${name} w[${i}]`).toBeLessThanOrEqual(1e-9));
  expectRel(r.volatility, ref.volatility, 1e-10);
  expectRel(ret(MU, r.weights), ref.return, 1e-10);
  expect(Math.abs(r.gross - ref.gross)).toBeLessThanOrEqual(1e-9);
  expect(Math.abs(sum(r.weights) - 1)).toBeLessThanOrEqual(1e-15);
}

describe('long-short and efficient return against scipy SLSQP (w⁺/w⁻ split) + KKT polish', () => {
  it('min volatility with weights in [−1, 1]: the 150% gross cap binds (one weight sits at 0 on its kink); uncapped it is 181%', () => {
    const capped = minVariance(COV, SHORT, { mu: MU });
    expectCase(capped, 'min-volatility short L=1.5');
    expect(capped.gross).toBeLessThanOrEqual(1.5 + 1e-12);
    expect(capped.weights.some((w) => w < -0.1)).toBe(true);
    expectCase(minVariance(COV, SHORT, { mu: MU, gross: Infinity }), 'min-volatility short uncapped');
    // The same problem stated with an explicit cap gives the same answer as the default.
    expect(minVariance(COV, SHORT, { gross: 1.5 }).weights).toEqual(capped.weights);
  });

  it('max Sharpe short at rf = 2%: 25% short F, gross at the cap', () => {
    const r = maxSharpe(MU, COV, 0.02, SHORT);
    expectCase(r, 'max-sharpe short L=1.5 rf=0.02');
    expectRel(r.sharpe!, REF.cases['max-sharpe short L=1.5 rf=0.02']!.sharpe, 1e-10);
  });

  it('efficient risk short (max return at 60% volatility)', () => {
    const r = targetVolatility(MU, COV, 0.6, SHORT);
    expect(r.outcome).toBe('at-target');
    expectCase(r, 'efficient-risk short L=1.5 0.60');
    expectRel(r.volatility, 0.6, 1e-12);
  });

  it('efficient return: min variance at a 15% return long-only and at 30% long-short (above the long-only best, 27%)', () => {
    const a = efficientReturn(MU, COV, 0.15);
    expect(a.outcome).toBe('at-target');
    expect(a.method).toBe('efficient-return');
    expectCase(a, 'efficient-return long-only 0.15');
    const b = efficientReturn(MU, COV, 0.3, SHORT);
    expect(b.outcome).toBe('at-target');
    expectCase(b, 'efficient-return short L=1.5 0.30');
    expect(() => efficientReturn(MU, COV, 0.3)).toThrow(UnreachableTargetError);
  });

  it('efficient return below the min-variance return is the min-variance portfolio (μᵀw ≥ target, as PyPortfolioOpt)', () => {
    const r = efficientReturn(MU, COV, -1, SHORT);
    expect(r.outcome).toBe('above-target');
    expectCase(r, 'min-volatility short L=1.5');
  });

  it('efficient return at exactly the highest achievable return is feasible and reaches it', () => {
    const top = REF.limits['max return short L=1.5']!;
    const r = efficientReturn(MU, COV, top, SHORT);
    expect(r.converged).toBe(true);
    expectRel(r.expectedReturn!, top, 1e-12);
    expect(r.gross).toBeLessThanOrEqual(1.5 + 1e-12);
  });
});

describe('unreachable targets are errors naming both figures', () => {
  it('target volatility below the minimum-variance volatility', () => {
    const minVol = REF.cases['min-volatility short L=1.5']!.volatility;
    let err: unknown;
    try {
      targetVolatility(MU, COV, 0.3, SHORT);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RiskInputError);
    expect(err).toBeInstanceOf(UnreachableTargetError);
    const u = err as UnreachableTargetError;
    expect(u.kind).toBe('volatility-below-minimum');
    expect(u.target).toBe(0.3);
    expectRel(u.limit, minVol, 1e-12);
    expect(u.message).toMatch(/target volatility 0\.3 is below the minimum-variance volatility 0\.40103277283/);
    // Long-only too, on the hand-made three assets (min-variance σ = 13.4%).
    expect(() => targetVolatility([0.08, 0.12, 0.06], [[0.04, 0.006, 0.01], [0.006, 0.09, 0.012], [0.01, 0.012, 0.0225]], 0.1))
      .toThrow(/target volatility 0\.1 is below the minimum-variance volatility 0\.134091908/);
  });

  it('efficient return above the highest achievable (scipy linprog: 42.09% long-short at 150% gross, 27.16% long-only)', () => {
    const cases = [
      { bounds: SHORT, target: 0.5, best: REF.limits['max return short L=1.5']!, text: /target return 0\.5 is above the highest achievable 0\.42089929228\d* within the bounds and gross cap 1\.5/ },
      { bounds: undefined, target: 0.3, best: REF.limits['max return long-only']!, text: /target return 0\.3 is above the highest achievable 0\.27164043131\d* within the bounds$/ },
    ];
    for (const c of cases) {
      let err: unknown;
      try {
        efficientReturn(MU, COV, c.target, c.bounds);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UnreachableTargetError);
      const u = err as UnreachableTargetError;
      expect(u.kind).toBe('return-above-maximum');
      expectRel(u.limit, c.best, 1e-12);
      expect(u.message).toMatch(c.text);
    }
  });
});

describe('long-short input checks', () => {
  it('risk parity stays long-only; the gross cap must be ≥ 1 and reachable', () => {
    expect(() => riskParity(COV, SHORT)).toThrow(/riskParity is long-only: lower bound of asset 0 is -1/);
    expect(() => minVariance(COV, SHORT, { gross: 0.9 })).toThrow(/gross cap is 0\.9; it must be ≥ 1/);
    expect(() => minVariance(COV, SHORT, { gross: Number.NaN })).toThrow(/gross cap is NaN/);
    // Asset 0 must be at least 60% short and the rest sum to 1.6 long: gross ≥ 2.2 > 1.5.
    const forced: WeightBounds = [[-1, -0.6], [0, 1], [0, 1], [0, 1], [0, 1], [0, 1]];
    expect(() => minVariance(COV, forced)).toThrow(/bounds need a gross exposure of at least 2\.2, above the cap 1\.5/);
    expect(minVariance(COV, forced, { gross: 2.5 }).weights[0]).toBeLessThanOrEqual(-0.6);
  });
});

// ---- properties on random covariances -----------------------------------------------------------------------------

/** Random returns (k = 24 periods, n ≤ 7 assets, so Σ may be singular), μ, long-short bounds and a gross cap in [1, 3]. */
const lsArb = fc.integer({ min: 2, max: 7 }).chain((n) => fc.record({
  x: fc.array(fc.array(fc.integer({ min: -800, max: 800 }).map((k) => k / 10_000), { minLength: 24, maxLength: 24 }), { minLength: n, maxLength: n }),
  mu: fc.array(fc.integer({ min: -300, max: 600 }).map((k) => k / 100_000), { minLength: n, maxLength: n }),
  lo: fc.array(fc.oneof(fc.constant(0), fc.double({ min: -1, max: 0, noNaN: true })), { minLength: n, maxLength: n }),
  hi: fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
  cap: fc.oneof(fc.constant(1.5), fc.double({ min: 1, max: 3, noNaN: true })),
  picks: fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3 * n + 1, maxLength: 3 * n + 1 }), { minLength: 20, maxLength: 20 }),
}));

interface LsMarket {
  readonly cov: number[][];
  readonly mu: number[];
  readonly bounds: WeightBounds;
  readonly cap: number;
  /** Random feasible portfolios (Σw = 1, bounds, Σ|w| ≤ cap) for comparison. */
  readonly others: number[][];
}

function lsMarket(m: { x: number[][]; mu: number[]; lo: number[]; hi: number[]; cap: number; picks: number[][] }): LsMarket {
  const n = m.x.length;
  const hi = sum(m.hi) >= 1 + 1e-9 ? m.hi : m.hi.map((h) => Math.min(1, h + 1.01 / n));
  const bounds = m.lo.map((l, i) => [l, hi[i]!] as const);
  return { cov: covarianceMatrix(m.x), mu: m.mu, bounds, cap: m.cap, others: m.picks.map((u) => feasibleLS(bounds, m.cap, u)) };
}

/** A feasible long-short portfolio: fill the budget long in a random order, then random long/short pairs within the cap. */
function feasibleLS(bounds: WeightBounds, cap: number, u: readonly number[]): number[] {
  const n = bounds.length;
  const w = new Array<number>(n).fill(0);
  let rest = 1;
  const order = [...w.keys()].sort((i, j) => u[i]! - u[j]!);
  for (const i of order) {
    const add = Math.min(rest, bounds[i]![1]);
    w[i] = add;
    rest -= add;
  }
  for (let k = 0; k < n; k++) {
    const i = Math.floor(u[n + k]! * n) % n;
    const j = Math.floor(u[2 * n + k]! * n) % n;
    if (i === j) continue;
    const before = gross(w);
    const size = u[3 * n]! * Math.min(bounds[i]![1] - w[i]!, w[j]! - bounds[j]![0], Math.max(0, cap - before) / 2);
    if (!(size > 0)) continue;
    w[i] = w[i]! + size;
    w[j] = w[j]! - size;
  }
  return w;
}

function expectFeasibleLS(r: PortfolioOptimum, bounds: WeightBounds, cap: number): void {
  expect(Math.abs(sum(r.weights) - 1)).toBeLessThanOrEqual(1e-9);
  expect(gross(r.weights)).toBeLessThanOrEqual(cap + 1e-9);
  expect(Math.abs(r.gross - gross(r.weights))).toBeLessThanOrEqual(1e-12);
  r.weights.forEach((w, i) => {
    expect(w).toBeGreaterThanOrEqual(bounds[i]![0]);
    expect(w).toBeLessThanOrEqual(bounds[i]![1]);
  });
}

describe('long-short properties: Σw = 1, Σ|w| ≤ L + 1e-9, bounds, and optimal against random feasible portfolios', () => {
  it('the helper really makes feasible portfolios', () => {
    fc.assert(fc.property(lsArb, (m) => {
      const { bounds, cap, others } = lsMarket(m);
      for (const w of others) {
        expect(Math.abs(sum(w) - 1)).toBeLessThanOrEqual(1e-12);
        expect(gross(w)).toBeLessThanOrEqual(cap + 1e-12);
        w.forEach((x, i) => expect(x >= bounds[i]![0] - 1e-12 && x <= bounds[i]![1] + 1e-12).toBe(true));
      }
    }), { numRuns: 100 });
  });

  it('min variance', () => {
    fc.assert(fc.property(lsArb, (m) => {
      const { cov, bounds, cap, others } = lsMarket(m);
      const r = minVariance(cov, bounds, { gross: cap });
      expect(r.converged).toBe(true);
      expectFeasibleLS(r, bounds, cap);
      const v = quad(cov, r.weights);
      for (const w of others) expect(v).toBeLessThanOrEqual(quad(cov, w) * (1 + 1e-9) + 1e-15);
    }), { numRuns: 200 });
  });

  it('max Sharpe', () => {
    fc.assert(fc.property(lsArb, (m) => {
      const { cov, mu, bounds, cap, others } = lsMarket(m);
      const sharpe = (w: readonly number[]): number => ret(mu, w) / Math.sqrt(quad(cov, w));
      let r: PortfolioOptimum;
      try {
        r = maxSharpe(mu, cov, 0, bounds, { gross: cap });
      } catch (e) {
        expect(e).toBeInstanceOf(RiskInputError);
        expect(Math.max(...others.map((w) => ret(mu, w)))).toBeLessThanOrEqual(1e-12);
        return;
      }
      expectFeasibleLS(r, bounds, cap);
      fc.pre(r.ridge === 0 && quad(cov, r.weights) > 1e-14);
      expect(r.converged).toBe(true);
      const best = Math.max(...others.map(sharpe));
      expect(r.sharpe!).toBeGreaterThanOrEqual(best - 1e-7 * Math.abs(best));
    }), { numRuns: 200 });
  });

  it('target volatility: below the min-variance σ an UnreachableTargetError, else σ ≤ target and the best return within it', () => {
    fc.assert(fc.property(lsArb, fc.double({ min: 0.5, max: 3, noNaN: true }), (m, k) => {
      const { cov, mu, bounds, cap, others } = lsMarket(m);
      const minVol = minVariance(cov, bounds, { gross: cap }).volatility;
      fc.pre(minVol > 1e-6);
      const target = minVol * k;
      let r;
      try {
        r = targetVolatility(mu, cov, target, bounds, { gross: cap });
      } catch (e) {
        expect(e).toBeInstanceOf(UnreachableTargetError);
        expect(k).toBeLessThan(1);
        expectRel((e as UnreachableTargetError).limit, minVol, 1e-9);
        return;
      }
      expect(k).toBeGreaterThanOrEqual(1 - 1e-9);
      expectFeasibleLS(r, bounds, cap);
      expect(r.converged).toBe(true);
      expect(r.volatility).toBeLessThanOrEqual(target * (1 + 1e-9));
      if (r.outcome === 'at-target') expect(Math.abs(r.volatility / target - 1)).toBeLessThanOrEqual(1e-9);
      for (const w of others) {
        if (Math.sqrt(quad(cov, w)) <= target) expect(r.expectedReturn!).toBeGreaterThanOrEqual(ret(mu, w) - 1e-9);
      }
    }), { numRuns: 150 });
  });

  it('efficient return: μᵀw ≥ target at least variance; above the best return an error whose limit beats every portfolio', () => {
    fc.assert(fc.property(lsArb, fc.double({ min: 0, max: 1.2, noNaN: true }), (m, k) => {
      const { cov, mu, bounds, cap, others } = lsMarket(m);
      let top: number;
      try {
        efficientReturn(mu, cov, 1e3, bounds, { gross: cap });
        throw new Error('a 1000× return was reachable');
      } catch (e) {
        expect(e).toBeInstanceOf(UnreachableTargetError);
        top = (e as UnreachableTargetError).limit;
      }
      for (const w of others) expect(ret(mu, w)).toBeLessThanOrEqual(top + 1e-12);
      const floor = Math.min(...others.map((w) => ret(mu, w)));
      const target = floor + k * (top - floor);
      if (k > 1 && target > top + 1e-12 * Math.max(1, Math.abs(top))) {
        expect(() => efficientReturn(mu, cov, target, bounds, { gross: cap })).toThrow(UnreachableTargetError);
        return;
      }
      const r = efficientReturn(mu, cov, Math.min(target, top), bounds, { gross: cap });
      expectFeasibleLS(r, bounds, cap);
      fc.pre(r.ridge === 0);
      expect(r.converged).toBe(true);
      expect(r.expectedReturn!).toBeGreaterThanOrEqual(Math.min(target, top) - 1e-9);
      const v = quad(cov, r.weights);
      for (const w of others) if (ret(mu, w) >= target) expect(v).toBeLessThanOrEqual(quad(cov, w) * (1 + 1e-9) + 1e-15);
    }), { numRuns: 200 });
  });
});
