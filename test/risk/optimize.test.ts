/**
 * Long-only optimisers (long-short and efficient return: optimize-longshort.test.ts). Independent reference weights from test/risk/reference/optimize.py: scipy.optimize.minimize
 * (SLSQP, ftol 1e-15) on the same objective and constraints, then polished by an exact KKT solve on SLSQP's active
 * set (linear solve for the QPs; brentq on t for the target-vol frontier point; scipy root for risk parity), with the
 * KKT multiplier signs asserted.
 *   Inputs: μ = 365 × mean and Σ = 365 × np.cov (ddof=1) of daily simple returns 2024-02-01..2025-08-13 of SOL, BTC,
 *   ETH, JUP, BONK (and USDC where noted), so everything is annualised; rf = 0.04/yr where given.
 *   Hand-made: Σ = [[0.04, 0.006, 0.01], [0.006, 0.09, 0.012], [0.01, 0.012, 0.0225]], μ = [0.08, 0.12, 0.06].
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { covarianceMatrix } from '../../src/risk/covariance.ts';
import { RiskInputError } from '../../src/risk/errors.ts';
import { maxSharpe, minVariance, riskParity, targetVolatility, UnreachableTargetError } from '../../src/risk/optimize.ts';
import type { PortfolioOptimum, WeightBounds } from '../../src/risk/optimize.ts';
import { itShared, lazy } from '../helpers/shared-dir.ts';
import { dailyCloses, expectRel, naiveSimple } from './reference/helpers.ts';

const ASSETS = ['SOL', 'BTC', 'ETH', 'JUP', 'BONK', 'USDC'];
/** Annualised covariance and mean return of the real ASSETS (S6, MU6) and of the first five, without USDC (S5, MU5). */
const real = lazy(() => {
  const R = ASSETS.map((a) => naiveSimple(dailyCloses(a, '2024-01-31', '2025-08-13')));
  const S6 = covarianceMatrix(R).map((row) => row.map((x) => 365 * x));
  const MU6 = R.map((r) => (365 * r.reduce((s, v) => s + v, 0)) / r.length);
  return { S6, MU6, S5: S6.slice(0, 5).map((row) => row.slice(0, 5)), MU5: MU6.slice(0, 5) };
});
const box = (n: number, lo: number, hi: number): WeightBounds => Array.from({ length: n }, () => [lo, hi] as const);

const SH = [[0.04, 0.006, 0.01], [0.006, 0.09, 0.012], [0.01, 0.012, 0.0225]];
const MH = [0.08, 0.12, 0.06];

/** name → [weights, vol, expected return] from optimize.py. */
const REF: Record<string, readonly [readonly number[], number, number]> = {
  'hand minVariance': [[0.2791072869050819, 0.09814466254369457, 0.6227480505512235], 0.13409190861859518, 0.07147082549072331],
  'hand maxSharpe rf=0.02': [[0.40873471946505074, 0.32546233413436426, 0.265802946400585], 0.15378860173547063, 0.08770243443736286],
  'hand targetVol 0.17': [[0.4589913635416072, 0.41359355055847036, 0.12741508589992243], 0.17, 0.09399544030434037],
  'hand riskParity': [[0.34315966679885435, 0.23496015096352452, 0.4218801822376212], 0.1411577626669992, 0.08096080239378856],
  'minVariance 5': [[0, 1, 0, 0, 0], 0.49383036320190277, 0.8142991781896207],
  'minVariance 5 [0.05,0.4]': [[0.09999999999999987, 0.4, 0.4, 0.05, 0.05], 0.6179500929196341, 0.8097877939947387],
  'maxSharpe 5 rf=0.04': [[0, 0.9721049690087639, 0, 0, 0.027895030991236143], 0.5077761868718978, 0.8376677666383775],
  'maxSharpe 5 rf=0.04 [0,0.5]': [[0.05323116374513061, 0.5, 0.25189163500990613, 0, 0.19487720124496322], 0.6681925948799449, 0.9564195528528389],
  'maxSharpe 5 rf=0.04 [0.1,0.5]': [[0.09999999999999999, 0.5, 0.10135798657457175, 0.09999999999999999, 0.19864201342542825], 0.699521747636042, 0.9476288933283046],
  'targetVol 6 0.15': [[0, 0.29424528120579496, 0, 0, 0.0048597695194136864, 0.7008949492747913], 0.15, 0.24749447374123046],
  'targetVol 6 0.60 [0,0.4]': [[0.03522159941159095, 0.4, 0.17977979363985264, 0, 0.2192511312878976, 0.16574747566065878], 0.6, 0.8478244105198544],
  'riskParity 5': [[0.1803191739003163, 0.32517525545560627, 0.23017440416371474, 0.14632846978488243, 0.11800269669548029], 0.7034538680789737, 0.8582659982067016],
  'riskParity 5 [0.1,0.25]': [[0.20343395834133612, 0.25, 0.25, 0.1636575123178431, 0.13290852934082073], 0.7360435062259608, 0.8649533971875797],
  'riskParity 5 budgets [0.4,0.3,0.1,0.1,0.1]': [[0.3234850686463848, 0.4394007694414146, 0.10960559321900028, 0.06950357366634713, 0.05800499502685318], 0.6517492992612993, 0.8422780880697975],
};

function expectRef(r: PortfolioOptimum, name: string, mu: readonly number[], tol = 1e-9): void {
  const [w, vol, ret] = REF[name]!;
  expect(r.converged, name).toBe(true);
  r.weights.forEach((x, i) => expect(Math.abs(x - w[i]!), `${name} w[${i}]`).toBeLessThanOrEqual(tol));
  expectRel(r.volatility, vol, tol);
  const er = mu.reduce((s, m, i) => s + m * r.weights[i]!, 0);
  expectRel(er, ret, tol);
  expect(Math.abs(r.weights.reduce((s, v) => s + v, 0) - 1)).toBeLessThanOrEqual(1e-15);
}

const sum = (xs: readonly number[]): number => xs.reduce((s, v) => s + v, 0);
const quad = (cov: readonly (readonly number[])[], w: readonly number[]): number =>
  w.reduce((s, wi, i) => s + wi * cov[i]!.reduce((t, c, j) => t + c * w[j]!, 0), 0);

// ---- generators -------------------------------------------------------------------------------------------------------

/** A covariance from k random daily-scale returns per asset (k may be ≤ n: then Σ is singular), plus random μ. */
const marketArb = fc.integer({ min: 2, max: 7 }).chain((n) => fc.record({
  x: fc.array(fc.array(fc.integer({ min: -800, max: 800 }).map((k) => k / 10_000), { minLength: 24, maxLength: 24 }), { minLength: n, maxLength: n }),
  mu: fc.array(fc.integer({ min: -300, max: 600 }).map((k) => k / 100_000), { minLength: n, maxLength: n }),
  lo: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
  hi: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
  loShare: fc.double({ min: 0, max: 0.95, noNaN: true }),
  picks: fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }), { minLength: 20, maxLength: 20 }),
}));

interface Market {
  readonly cov: number[][];
  readonly mu: number[];
  readonly bounds: WeightBounds;
  /** Random feasible portfolios for comparison. */
  readonly others: number[][];
}

/** Feasible bounds: Σlo = loShare·(random split) ≤ 0.95, hi_i > lo_i with Σhi ≥ 1. */
function market(m: { x: number[][]; mu: number[]; lo: number[]; hi: number[]; loShare: number; picks: number[][] }): Market {
  const n = m.x.length;
  const cov = covarianceMatrix(m.x);
  const loTotal = sum(m.lo) || 1;
  const lo = m.lo.map((v) => (v / loTotal) * m.loShare);
  const room = 1 - sum(lo);
  let hi = lo.map((l, i) => Math.min(1, l + Math.max(0.01, m.hi[i]!) * (1 - l)));
  if (sum(hi) < 1 + 1e-9) hi = lo.map((l, i) => Math.min(1, Math.max(hi[i]!, l + (1.01 * room) / n)));
  const bounds = lo.map((l, i) => [l, hi[i]!] as const);
  const others = m.picks.map((u) => feasible(lo, hi, u));
  return { cov, mu: m.mu, bounds, others };
}

/** A feasible portfolio: start at lo, hand out the rest in random shares, then fill greedily. */
function feasible(lo: readonly number[], hi: readonly number[], u: readonly number[]): number[] {
  const w = [...lo];
  let rest = 1 - sum(w);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < w.length && rest > 0; i++) {
      const add = Math.min(hi[i]! - w[i]!, pass === 0 ? rest * u[i]! : rest);
      w[i]! += add;
      rest -= add;
    }
  }
  return w;
}

function expectFeasible(r: PortfolioOptimum, bounds: WeightBounds): void {
  expect(Math.abs(sum(r.weights) - 1)).toBeLessThanOrEqual(1e-9);
  r.weights.forEach((w, i) => {
    expect(w).toBeGreaterThanOrEqual(bounds[i]![0]);
    expect(w).toBeLessThanOrEqual(bounds[i]![1]);
  });
}

// ---- tests -----------------------------------------------------------------------------------------------------------

describe('optimisers against scipy SLSQP + KKT polish', () => {
  it('hand-made three assets: min-variance, max-Sharpe, 17% target vol, risk parity', () => {
    expectRef(minVariance(SH), 'hand minVariance', MH, 1e-12);
    expectRef(maxSharpe(MH, SH, 0.02), 'hand maxSharpe rf=0.02', MH, 1e-12);
    const tv = targetVolatility(MH, SH, 0.17);
    expectRef(tv, 'hand targetVol 0.17', MH, 1e-12);
    expect(tv.outcome).toBe('at-target');
    expectRef(riskParity(SH), 'hand riskParity', MH, 1e-12);
  });

  itShared('real minimum variance: 100% BTC unbounded (a corner), interior with [5%, 40%] bounds', () => {
    const { S5, MU5 } = real();
    const a = minVariance(S5, undefined, { mu: MU5 });
    expectRef(a, 'minVariance 5', MU5);
    expect(a.expectedReturn).toBeCloseTo(0.8142991781896207, 12);
    expect(a.sharpe).toBeCloseTo(0.8142991781896207 / 0.49383036320190277, 12);
    expectRef(minVariance(S5, box(5, 0.05, 0.4)), 'minVariance 5 [0.05,0.4]', MU5);
  });

  itShared('real maximum Sharpe at rf = 4%/yr: unbounded, capped at 50%, and with a 10% floor', () => {
    const { S5, MU5 } = real();
    const a = maxSharpe(MU5, S5, 0.04);
    expectRef(a, 'maxSharpe 5 rf=0.04', MU5);
    expectRel(a.sharpe!, (0.8376677666383775 - 0.04) / 0.5077761868718978, 1e-9);
    expectRef(maxSharpe(MU5, S5, 0.04, box(5, 0, 0.5)), 'maxSharpe 5 rf=0.04 [0,0.5]', MU5);
    expectRef(maxSharpe(MU5, S5, 0.04, box(5, 0.1, 0.5)), 'maxSharpe 5 rf=0.04 [0.1,0.5]', MU5);
  });

  itShared('real target volatility: seed 000’s 15%/yr is reached with USDC in the mix, and not without it', () => {
    const { S5, MU5, S6, MU6 } = real();
    const a = targetVolatility(MU6, S6, 0.15);
    expectRef(a, 'targetVol 6 0.15', MU6);
    expect(a.outcome).toBe('at-target');
    expectRef(targetVolatility(MU6, S6, 0.6, box(6, 0, 0.4)), 'targetVol 6 0.60 [0,0.4]', MU6);
    // Five volatile assets: 15% is below the min-variance vol (49%): an error naming both, not a silent min-variance.
    expect(() => targetVolatility(MU5, S5, 0.15)).toThrow(/target volatility 0\.15 is below the minimum-variance volatility 0\.493830363/);
  });

  itShared('real risk parity: equal contributions, a [10%, 25%] box that binds, and 40/30/10/10/10 budgets', () => {
    const { S5, MU5 } = real();
    const a = riskParity(S5, undefined, { mu: MU5 });
    expectRef(a, 'riskParity 5', MU5, 1e-12);
    a.riskContributions.forEach((rc) => expect(rc).toBeCloseTo(0.2, 14));
    const b = riskParity(S5, box(5, 0.1, 0.25));
    expectRef(b, 'riskParity 5 [0.1,0.25]', MU5, 1e-10);
    expect(b.weights[1]).toBe(0.25);
    expect(b.weights[2]).toBe(0.25);
    expect(b.note).toMatch(/bounds bind/);
    const c = riskParity(S5, undefined, { budgets: [4, 3, 1, 1, 1] });
    expectRef(c, 'riskParity 5 budgets [0.4,0.3,0.1,0.1,0.1]', MU5, 1e-12);
    c.riskContributions.forEach((rc, i) => expect(rc).toBeCloseTo([0.4, 0.3, 0.1, 0.1, 0.1][i]!, 13));
  });
});

describe('optimiser properties on random covariances and random feasible bounds', () => {
  it('min variance: within bounds, Σw = 1, and no random feasible portfolio has lower variance', () => {
    fc.assert(fc.property(marketArb, (m) => {
      const { cov, bounds, others } = market(m);
      const r = minVariance(cov, bounds);
      expect(r.converged).toBe(true);
      expectFeasible(r, bounds);
      const v = quad(cov, r.weights);
      for (const w of others) expect(v).toBeLessThanOrEqual(quad(cov, w) * (1 + 1e-9) + 1e-15);
    }), { numRuns: 200 });
  });

  it('max Sharpe: within bounds, Σw = 1, and at least the Sharpe of any random feasible portfolio', () => {
    fc.assert(fc.property(marketArb, (m) => {
      const { cov, mu, bounds, others } = market(m);
      const sharpe = (w: readonly number[]): number => sum(w.map((x, i) => x * mu[i]!)) / Math.sqrt(quad(cov, w));
      const best = Math.max(...others.map(sharpe));
      let r: PortfolioOptimum;
      try {
        r = maxSharpe(mu, cov, 0, bounds);
      } catch (e) {
        // Only when no feasible portfolio beats rf = 0.
        expect(e).toBeInstanceOf(RiskInputError);
        expect(Math.max(...others.map((w) => sum(w.map((x, i) => x * mu[i]!))))).toBeLessThanOrEqual(1e-12);
        return;
      }
      expectFeasible(r, bounds);
      fc.pre(r.ridge === 0 && quad(cov, r.weights) > 1e-14);
      expect(r.converged).toBe(true);
      expect(r.sharpe!).toBeGreaterThanOrEqual(best - 1e-7 * Math.abs(best));
    }), { numRuns: 200 });
  });

  it('target volatility: σ ≤ target (= target when reachable), and no random portfolio within the target returns more', () => {
    fc.assert(fc.property(marketArb, fc.double({ min: 0.5, max: 3, noNaN: true }), (m, k) => {
      const { cov, mu, bounds, others } = market(m);
      const minVol = minVariance(cov, bounds).volatility;
      fc.pre(minVol > 1e-6);
      const target = minVol * k;
      if (k < 1 - 1e-9) {
        expect(() => targetVolatility(mu, cov, target, bounds)).toThrow(UnreachableTargetError);
        return;
      }
      const r = targetVolatility(mu, cov, target, bounds);
      expectFeasible(r, bounds);
      expect(r.converged).toBe(true);
      expect(r.volatility).toBeLessThanOrEqual(target * (1 + 1e-9));
      if (r.outcome === 'at-target') expect(Math.abs(r.volatility / target - 1)).toBeLessThanOrEqual(1e-9);
      const ret = r.expectedReturn!;
      for (const w of others) {
        if (Math.sqrt(quad(cov, w)) <= target) expect(ret).toBeGreaterThanOrEqual(sum(w.map((x, i) => x * mu[i]!)) - 1e-9);
      }
    }), { numRuns: 150 });
  });

  it('risk parity: contributions equal within 1e-6 without bounds; with bounds, KKT (free assets equal, bound ones on the right side)', () => {
    fc.assert(fc.property(marketArb, (m) => {
      // Add idiosyncratic variance (1e-5/day): a singular Σ with a riskless long-only mix has no risk-parity portfolio.
      const { cov: raw, bounds } = market(m);
      const cov = raw.map((row, i) => row.map((v, j) => (i === j ? v + 1e-5 : v)));
      const free = riskParity(cov);
      expect(free.converged).toBe(true);
      expectFeasible(free, box(cov.length, 0, 1));
      const n = cov.length;
      free.riskContributions.forEach((rc) => expect(Math.abs(rc - 1 / n)).toBeLessThanOrEqual(1e-6));

      const r = riskParity(cov, bounds);
      expect(r.converged).toBe(true);
      expectFeasible(r, bounds);
      if (/no room for risk budgeting/.test(r.note)) {
        // No λ exists (the box's lowest-risk point overfills the budget): the documented fallback is min variance.
        minVariance(cov, bounds).weights.forEach((w, i) => expect(r.weights[i]!).toBeCloseTo(w, 9));
        return;
      }
      const rc = r.riskContributions;
      const inside = r.weights.map((w, i) => w > bounds[i]![0] + 1e-9 && w < bounds[i]![1] - 1e-9);
      const level = rc.filter((_, i) => inside[i]);
      if (level.length === 0) return;
      const ref = level[0]!;
      for (const x of level) expect(Math.abs(x - ref)).toBeLessThanOrEqual(1e-6);
      rc.forEach((x, i) => {
        if (inside[i] || bounds[i]![1] - bounds[i]![0] < 1e-9) return; // free, or pinned (either side is fine)
        if (r.weights[i]! >= bounds[i]![1] - 1e-9) expect(x).toBeLessThanOrEqual(ref + 1e-6);
        else expect(x).toBeGreaterThanOrEqual(ref - 1e-6);
      });
    }), { numRuns: 200 });
  });
});

describe('degenerate and invalid input', () => {
  it('returns the only feasible portfolio when the bounds pin it, and handles fixed weights', () => {
    const a = minVariance(SH, [[0.2, 0.5], [0.3, 0.6], [0.5, 0.9]]);
    expect(a.weights).toEqual([0.2, 0.3, 0.5]);
    expect(a.note).toMatch(/one feasible portfolio/);
    const b = minVariance(SH, [[0.25, 0.25], [0, 1], [0, 1]]);
    expect(b.weights[0]).toBe(0.25);
    expect(b.converged).toBe(true);
    expectFeasible(b, [[0.25, 0.25], [0, 1], [0, 1]]);
  });

  it('says so when Σ is singular with a riskless long-only mix, where no risk-parity portfolio exists', () => {
    // Assets 0 and 1 are perfectly negatively correlated: 50/50 of them has zero variance.
    const r = riskParity([[0.04, -0.04, 0], [-0.04, 0.04, 0], [0, 0, 0.09]]);
    expect(r.converged).toBe(false);
    expect(r.note).toMatch(/no risk-parity portfolio exists/);
  });

  it('falls back to min variance when the box leaves no room for risk budgeting', () => {
    // A hedge pair: with w0 ≥ 0.6 the box's lowest-risk point is (0.6, 0.45), already 105% of capital, so no λ works.
    const r = riskParity([[0.04, -0.03], [-0.03, 0.04]], [[0.6, 1], [0, 1]]);
    expect(r.note).toMatch(/no room for risk budgeting/);
    expect(r.weights[0]).toBeCloseTo(0.6, 12);
    expect(r.weights[1]).toBeCloseTo(0.4, 12);
  });

  it('adds and reports a ridge when Σ is singular (two identical assets)', () => {
    const cov = [[0.04, 0.04, 0.01], [0.04, 0.04, 0.01], [0.01, 0.01, 0.09]];
    const r = minVariance(cov);
    expectFeasible(r, box(3, 0, 1));
    expect(r.ridge).toBe(1e-12);
    expect(r.note).toMatch(/not positive definite.*ridge of 1e-12/);
    // The two copies are interchangeable: together they hold the single-asset min-variance share.
    expect(r.weights[0]! + r.weights[1]!).toBeCloseTo((0.09 - 0.01) / (0.04 + 0.09 - 0.02), 6);
  });

  it('rejects invalid bounds, sizes and problems with clear RiskInputErrors', () => {
    expect(() => minVariance(SH, [[0.5, 0.4], [0, 1], [0, 1]])).toThrow(/need lo ≤ hi/);
    expect(() => riskParity(SH, [[-0.1, 1], [0, 1], [0, 1]])).toThrow(/riskParity is long-only: lower bound of asset 0 is -0\.1/);
    expect(() => minVariance(SH, [[0.5, 1], [0.4, 1], [0.2, 1]])).toThrow(/lower bounds sum to 1.1/);
    expect(() => minVariance(SH, [[0, 0.3], [0, 0.3], [0, 0.3]])).toThrow(/upper bounds sum to 0\.8999\d* < 1/);
    expect(() => minVariance(SH, [[0, 1], [0, 1]])).toThrow(/2 bounds for 3 assets/);
    expect(() => minVariance([[0, 0], [0, 0]])).toThrow(/zero variance/);
    expect(() => maxSharpe([0.01, 0.02], SH)).toThrow(/2 expected returns for 3 assets/);
    expect(() => maxSharpe(MH, SH, 0.2)).toThrow(/no portfolio within the bounds returns more than rf/);
    expect(() => targetVolatility(MH, SH, 0)).toThrow(/target/);
    expect(() => riskParity([[0.04, 0], [0, 0]])).toThrow(/asset 1 has zero variance/);
    expect(() => riskParity(SH, [[0, 0], [0, 1], [0, 1]])).toThrow(/upper bound 0/);
    expect(() => riskParity(SH, undefined, { budgets: [1, 0, 1] })).toThrow(/budget 1/);
    expect(() => minVariance([[0.04, 0.01], [0.02, 0.04]])).toThrow(/not symmetric/);
  });
});
