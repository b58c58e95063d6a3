/**
 * Beta = cov(r, b)/var(b) (ddof = 1 both), alpha = mean(r) − β mean(b), R² = corr², residual sd with ddof = 2.
 * Independent values from test/risk/reference/beta.py (numpy np.cov / np.corrcoef, cross-checked against
 * scipy.stats.linregress):
 *   hand (8 periods, below): β 1.2340425531914896, α 0.0019148936170212778, corr 0.923080170414884,
 *     R² 0.8520770010131713, residual sd 0.010175760378997735
 *   real daily simple returns 2024-02-01..2025-08-13 (560 days): table REAL below
 *   timed: WIF (whole file) vs BTC returns dated 2024-06-01..2025-12-31 → 579 common days, table row 'WIF~BTC timed'
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beta, betaStats, betaStatsTimed } from '../../src/risk/beta.ts';
import { isConstant } from '../../src/risk/correlation.ts';
import { RiskInputError } from '../../src/risk/errors.ts';
import { itShared } from '../helpers/shared-dir.ts';
import { dailyCloses, datedReturns, expectRel, naiveSimple } from './reference/helpers.ts';

const HAND_R = [0.02, -0.01, 0.03, 0.0, -0.02, 0.04, 0.01, -0.03];
const HAND_B = [0.01, -0.02, 0.02, 0.01, -0.01, 0.03, 0.0, -0.02];

/** asset~benchmark: [n, beta, alpha, corr, R², residual sd]. */
const REAL: Record<string, readonly [number, number, number, number, number, number]> = {
  'SOL~BTC': [560, 1.2923715054830025, -0.0005891233990404257, 0.7482523497815523, 0.5598815789536145, 0.029644506100897323],
  'ETH~BTC': [560, 1.1276294433601575, -0.0005279535650366887, 0.7846464898669181, 0.6156701140604756, 0.02304966462224098],
  'JUP~BTC': [560, 1.3736211545652832, -0.0015564377205439061, 0.5805626701973908, 0.3370530140267244, 0.049839930102971594],
  'BONK~BTC': [560, 1.9429480351243096, 0.00019148275644924242, 0.6517096129758521, 0.4247254196451349, 0.05850120500719967],
  'JUP~SOL': [560, 1.1125590982643216, -0.0010442718622558356, 0.8121654516082939, 0.659612720786104, 0.035712864424900945],
  'BONK~SOL': [560, 1.124169836708922, 0.0019471559949878776, 0.6512746207032795, 0.4241586315722005, 0.058530017006933124],
  'WIF~BTC timed': [579, 2.065951794521977, -0.0032150611706554476, 0.667858173263881, 0.44603453959536804, 0.053880607659241526],
};


function expectRow(r: ReturnType<typeof betaStats>, [n, b, a, c, r2, sd]: readonly number[]): void {
  expect(r.n).toBe(n);
  expectRel(r.beta, b!, 1e-12);
  expectRel(r.alpha, a!, 1e-10);
  expectRel(r.correlation, c!, 1e-12);
  expectRel(r.rSquared, r2!, 1e-12);
  expectRel(r.residualVolatility, sd!, 1e-11);
}

/** A daily return in basis points, −20%..20% (realistic magnitudes; no subnormals). */
const ret = fc.integer({ min: -2000, max: 2000 }).map((k) => k / 10_000);

const pairArb = fc.integer({ min: 3, max: 40 }).chain((n) => fc.tuple(
  fc.array(ret, { minLength: n, maxLength: n }),
  fc.array(ret, { minLength: n, maxLength: n }),
));

describe('beta', () => {
  it('matches numpy/scipy on a hand-made pair', () => {
    expectRow(betaStats(HAND_R, HAND_B), [8, 1.2340425531914896, 0.0019148936170212778, 0.923080170414884, 0.8520770010131713, 0.010175760378997735]);
    expect(beta(HAND_R, HAND_B)).toBe(betaStats(HAND_R, HAND_B).beta);
  });

  itShared('matches numpy on real daily returns against BTC and SOL', () => {
    const r = Object.fromEntries(['SOL', 'BTC', 'ETH', 'JUP', 'BONK'].map((a) => [a, naiveSimple(dailyCloses(a, '2024-01-31', '2025-08-13'))]));
    for (const [key, row] of Object.entries(REAL)) {
      if (key.endsWith('timed')) continue;
      const [asset, bench] = key.split('~') as [string, string];
      expectRow(betaStats(r[asset]!, r[bench]!), row);
    }
  });

  itShared('aligns timestamped series on their common days (WIF vs BTC, 579 days)', () => {
    expectRow(betaStatsTimed(datedReturns('WIF', '2000-01-01', '2100-01-01'), datedReturns('BTC', '2024-06-01', '2025-12-31')), REAL['WIF~BTC timed']!);
  });

  it('is linear in the asset: β(r + k·b, b) = β(r, b) + k; β(b, b) = 1 with R² = 1', () => {
    fc.assert(fc.property(pairArb, fc.double({ min: -3, max: 3, noNaN: true }), ([r, b], k) => {
      fc.pre(!isConstant(b) && !isConstant(r));
      const base = betaStats(r, b);
      expect(beta(r.map((x, i) => x + k * b[i]!), b)).toBeCloseTo(base.beta + k, 8);
      expect(beta(b, b)).toBeCloseTo(1, 12);
      expect(betaStats(b, b).rSquared).toBeCloseTo(1, 12);
    }));
  });

  it('R² is the share of variance a β hedge removes: var(r − βb) = (1 − R²)·var(r), 0 ≤ R² ≤ 1', () => {
    const variance = (x: readonly number[]): number => {
      const m = x.reduce((s, v) => s + v, 0) / x.length;
      return x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1);
    };
    fc.assert(fc.property(pairArb, ([r, b]) => {
      fc.pre(!isConstant(b) && !isConstant(r));
      const s = betaStats(r, b);
      expect(s.rSquared).toBeGreaterThanOrEqual(0);
      expect(s.rSquared).toBeLessThanOrEqual(1);
      const hedged = variance(r.map((x, i) => x - s.beta * b[i]!));
      expect(Math.abs(hedged - (1 - s.rSquared) * variance(r))).toBeLessThanOrEqual(1e-12 * variance(r) + 1e-30);
    }));
  });

  it('gives a constant asset β 0 and R² 0, and rejects a constant benchmark or bad input', () => {
    const flat = betaStats([0.01, 0.01, 0.01, 0.01], [0.01, -0.02, 0.03, 0.0]);
    expect([flat.beta, flat.correlation, flat.rSquared, flat.residualVolatility]).toEqual([0, 0, 0, 0]);
    expect(() => beta([0.01, -0.02, 0.03], [0.1, 0.1, 0.1])).toThrow(/benchmark is constant/);
    expect(() => beta([0.01, -0.02, 0.03], [0, 5e-324, 0])).toThrow(/underflows/);
    expect(betaStats([0, 5e-324, 0], [0.01, -0.02, 0.03]).rSquared).toBe(0);
    expect(() => beta([0.01, -0.02], [0.1, 0.2])).toThrow(/at least 3/);
    expect(() => beta([0.01, -0.02, 0.03], [0.1, 0.2])).toThrow(RiskInputError);
    expect(() => betaStatsTimed({ t: [1, 2, 3], v: [0.1, 0.2, 0.3] }, { t: [3, 4, 5], v: [0.1, 0.2, 0.3] })).toThrow(/share 1 timestamp/);
  });
});
