/**
 * Euler risk contributions. Independent values from test/risk/reference/contributions.py (numpy, scipy.stats.norm):
 *   exposures w = [SOL 50,000, BTC 30,000, ETH −20,000, JUP 10,000, BONK 5,000] USD, Σ = np.cov (ddof=1) of daily
 *   simple returns 2024-02-01..2025-08-13 (560 days): σ = √(wᵀΣw), marginal = Σw/σ, component = w∘Σw/σ, VaR = zσ.
 *   Historical simulation: PnL[t][i] = w_i r_i,t; VaR = −np.quantile(ΣPnL, 1 − c) ('linear'); tail = ΣPnL ≤ cutoff;
 *   component ES = −mean PnL_i over the tail; component VaR = −PnL_i interpolated at the cutoff order statistics.
 *   Hand-made 10 × 3 PnL matrix below: c = 0.8 → VaR 172, ES 260, compES [350, −160, 70], compVaR [180, −8, 0],
 *   tail [7, 1]; c = 0.95 → VaR 264, ES 300, compES [400, −200, 100], compVaR [355, −164, 73], tail [7].
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parametricVaRContributions, portfolioVolatility, simulatedContributions, volatilityContributions,
} from '../../src/risk/contributions.ts';
import { covarianceMatrix } from '../../src/risk/covariance.ts';
import { RiskInputError } from '../../src/risk/errors.ts';
import { historicalES } from '../../src/risk/es.ts';
import { itShared, lazy } from '../helpers/shared-dir.ts';
import { dailyCloses, expectRel, naiveSimple } from './reference/helpers.ts';

const ASSETS = ['SOL', 'BTC', 'ETH', 'JUP', 'BONK'];
const W = [50_000, 30_000, -20_000, 10_000, 5_000];
const SIGMA = 3099.83549481582;
const MARGINAL = [0.043575244839219436, 0.02058754014914151, 0.02474431315060237, 0.052189157152637194, 0.05528834797325551];
const COMPONENT = [2178.762241960972, 617.6262044742452, -494.88626301204744, 521.891571526372, 276.44173986627754];
const PERCENT = [0.702863827969176, 0.19924483267165832, -0.15964920197852359, 0.1683610541266419, 0.0891794872110472];
const VAR95 = 5098.775656600713;
const VAR95_COMPONENT = [3583.7449759544256, 1015.9047025297339, -814.0154646438265, 858.4352443005566, 454.706198459822];
const VAR99 = 7211.29571324112;
const VAR99_COMPONENT = [5068.558909626363, 1436.813407730574, -1151.2776058500929, 1214.1013479002088, 643.0996538340659];
const HIST = {
  0.95: { var: 4534.040200560721, es: 6233.793275570284, tail: 28,
    esComponent: [4431.627513793956, 1328.730943099922, -1167.9199031074318, 1065.0810624801518, 576.2736593036853],
    varComponent: [3225.2244229402195, 940.0847758465319, -1050.389097677296, 919.0920106413042, 500.0280888099615] },
  0.99: { var: 6534.224090168953, es: 8820.567634012961, tail: 6,
    esComponent: [6754.724830951217, 1792.5133190879367, -2104.357169244912, 1615.586039499767, 762.1006137189529],
    varComponent: [3928.7985718275186, 1350.4008236821596, -411.20418791701695, 1086.748449266257, 579.4804333100345] },
} as const;

const HAND_PNL = [
  [100, -50, 20], [-300, 120, -40], [50, 60, -10], [-80, -90, 30], [200, -10, -60],
  [-150, -20, 10], [10, 40, -5], [-400, 200, -100], [90, -30, 15], [-60, -70, -20],
];

const returns = lazy(() => ASSETS.map((a) => naiveSimple(dailyCloses(a, '2024-01-31', '2025-08-13'))));
const COV = lazy(() => covarianceMatrix(returns()));
const sum = (xs: readonly number[]): number => xs.reduce((s, v) => s + v, 0);

/** A random covariance (XXᵀ/k of random returns, so PSD) with random signed USD exposures. */
const bookArb = fc.integer({ min: 1, max: 8 }).chain((n) => fc.record({
  x: fc.array(fc.array(fc.integer({ min: -2000, max: 2000 }).map((k) => k / 10_000), { minLength: 12, maxLength: 12 }), { minLength: n, maxLength: n }),
  w: fc.array(fc.integer({ min: -100_000, max: 100_000 }), { minLength: n, maxLength: n }),
}));

describe('volatility and parametric VaR contributions', () => {
  itShared('match numpy on a real five-asset book with a short (ETH hedge has a negative contribution)', () => {
    expectRel(portfolioVolatility(W, COV()), SIGMA, 1e-12);
    const v = volatilityContributions(W, COV());
    expectRel(v.total, SIGMA, 1e-12);
    v.marginal.forEach((m, i) => expectRel(m, MARGINAL[i]!, 1e-12));
    v.component.forEach((c, i) => expectRel(c, COMPONENT[i]!, 1e-12));
    v.percent.forEach((p, i) => expectRel(p, PERCENT[i]!, 1e-12));
    expect(v.component[2]).toBeLessThan(0);

    const v95 = parametricVaRContributions(W, COV());
    expectRel(v95.total, VAR95, 1e-12);
    v95.component.forEach((c, i) => expectRel(c, VAR95_COMPONENT[i]!, 1e-12));
    const v99 = parametricVaRContributions(W, COV(), 0.99);
    expectRel(v99.total, VAR99, 1e-12);
    v99.component.forEach((c, i) => expectRel(c, VAR99_COMPONENT[i]!, 1e-12));
    v99.marginal.forEach((m, i) => expectRel(m, (MARGINAL[i]! * VAR99) / SIGMA, 1e-12));
  });

  it('components sum exactly to the total and percents to 1, for random books', () => {
    fc.assert(fc.property(bookArb, ({ x, w }) => {
      const cov = covarianceMatrix(x);
      for (const d of [volatilityContributions(w, cov), parametricVaRContributions(w, cov, 0.975)]) {
        expect(Math.abs(sum(d.component) - d.total)).toBeLessThanOrEqual(1e-9 * Math.max(1, d.total));
        if (d.total > 1e-6) expect(sum(d.percent)).toBeCloseTo(1, 9);
        else expect(d.percent.every((p) => p === 0) || d.total > 0).toBe(true);
      }
    }));
  });

  it('marginal VaR is the derivative of VaR: a 1-dollar bump moves VaR by the marginal', () => {
    fc.assert(fc.property(bookArb, fc.nat(7), ({ x, w }, k) => {
      const cov = covarianceMatrix(x);
      const i = k % w.length;
      const base = parametricVaRContributions(w, cov);
      fc.pre(base.total > 100);
      const h = 1e-3 * Math.max(1, Math.abs(w[i]!));
      const up = parametricVaRContributions(w.map((v, j) => (j === i ? v + h : v)), cov).total;
      const down = parametricVaRContributions(w.map((v, j) => (j === i ? v - h : v)), cov).total;
      expect((up - down) / (2 * h)).toBeCloseTo(base.marginal[i]!, 5);
    }));
  });

  it('is zero everywhere for a riskless book, and rejects bad input', () => {
    expect(volatilityContributions([0, 0], [[0.01, 0], [0, 0.02]])).toEqual({ total: 0, marginal: [0, 0], component: [0, 0], percent: [0, 0] });
    expect(() => volatilityContributions([1, 2], [[0.01]])).toThrow(/1 × 1 but 2 assets/);
    expect(() => volatilityContributions([], [])).toThrow(RiskInputError);
    expect(() => volatilityContributions([Number.NaN], [[1]])).toThrow(/exposure 0/);
    expect(() => parametricVaRContributions([1], [[1]], 95)).toThrow(/confidence/);
  });
});

describe('simulated component ES / VaR', () => {
  it('matches the hand-made example', () => {
    const a = simulatedContributions(HAND_PNL, 0.8);
    expectRel(a.var, 172, 1e-14);
    expectRel(a.es, 260, 1e-14);
    expect(a.tail).toEqual([7, 1]);
    a.esComponent.forEach((c, i) => expectRel(c, [350, -160, 70][i]!, 1e-14));
    a.varComponent.forEach((c, i) => expectRel(c, [180, -8, 0][i]!, 1e-12, 100));
    const b = simulatedContributions(HAND_PNL, 0.95);
    expect([b.var, b.es, b.tail]).toEqual([264, 300, [7]]);
    b.esComponent.forEach((c, i) => expectRel(c, [400, -200, 100][i]!, 1e-14));
    b.varComponent.forEach((c, i) => expectRel(c, [355, -164, 73][i]!, 1e-12));
  });

  it('keeps the boundary scenario in the tail at a round confidence (test/risk/reference/tail_rounding.py)', () => {
    // 11 scenarios at 90%: (n − 1)(1 − c) = 1 exactly, so scenarios 0 and 1 are the tail; numpy: ES parts 0.12525 each.
    const r = [-0.5, -0.001, 0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08];
    const a = simulatedContributions(r.map((x) => [x / 2, x / 2]), 0.9);
    expect(a.tail).toEqual([0, 1]);
    expectRel(a.es, 0.2505, 1e-15);
    a.esComponent.forEach((c) => expectRel(c, 0.12525, 1e-15));
    a.varComponent.forEach((c) => expectRel(c, 0.0005, 1e-15));
  });

  itShared('matches numpy on 560 days of historical PnL of the real book', () => {
    const pnl = returns()[0]!.map((_, t) => W.map((w, i) => w * returns()[i]![t]!));
    for (const c of [0.95, 0.99] as const) {
      const r = simulatedContributions(pnl, c);
      const ref = HIST[c];
      expectRel(r.var, ref.var, 1e-12);
      expectRel(r.es, ref.es, 1e-12);
      expect(r.tail).toHaveLength(ref.tail);
      r.esComponent.forEach((x, i) => expectRel(x, ref.esComponent[i]!, 1e-11));
      r.varComponent.forEach((x, i) => expectRel(x, ref.varComponent[i]!, 1e-11));
    }
  });

  it('ES components sum to the portfolio ES (= historicalES of the totals), VaR components to VaR, and ES ≥ VaR', () => {
    const scenarios = fc.integer({ min: 1, max: 6 }).chain((n) =>
      fc.array(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: n, maxLength: n }), { minLength: 2, maxLength: 120 }));
    fc.assert(fc.property(scenarios, fc.constantFrom(0.9, 0.95, 0.975, 0.99), (pnl, c) => {
      const r = simulatedContributions(pnl, c);
      const scale = Math.max(1, Math.abs(r.es));
      expect(Math.abs(sum(r.esComponent) - r.es)).toBeLessThanOrEqual(1e-9 * scale);
      expect(Math.abs(sum(r.varComponent) - r.var)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(r.var)));
      expect(r.es).toBeGreaterThanOrEqual(r.var - 1e-9 * scale);
      expect(r.es).toBeCloseTo(historicalES(pnl.map(sum), c), 8);
      if (r.es !== 0) expect(sum(r.esPercent)).toBeCloseTo(1, 9);
    }));
  });

  it('rejects bad scenario matrices', () => {
    expect(() => simulatedContributions([[1, 2]])).toThrow(/at least 2 scenarios/);
    expect(() => simulatedContributions([[1, 2], [1]])).toThrow(/scenario 1 has 1 positions/);
    expect(() => simulatedContributions([[], []])).toThrow(/no positions/);
    expect(() => simulatedContributions([[1], [Number.POSITIVE_INFINITY]])).toThrow(/pnl\[1\]\[0\]/);
    expect(() => simulatedContributions([[1], [2]], 1)).toThrow(RiskInputError);
  });
});
