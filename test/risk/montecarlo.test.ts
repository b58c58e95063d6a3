/**
 * Seeded Monte Carlo. The generator (stdlib MT19937 + ziggurat) cannot be replayed in numpy, so the reference is the
 * closed form the simulation must converge to — test/risk/reference/montecarlo.py (numpy/scipy):
 *   μ, Σ = mean and np.cov(ddof=1) of SOL, BTC, ETH daily log returns 2024-01-01..2025-12-31
 *   linear book w: μ_p = wᵀμh, σ_p = √(wᵀΣw·h)
 *   normal: VaR = σ_p·z_c − μ_p, ES = σ_p·φ(z_c)/(1 − c) − μ_p
 *   Student-t ν (scaled to variance σ_p²), s = σ_p√((ν−2)/ν), q = t_ν⁻¹(c):
 *     VaR = s·q − μ_p, ES = s·f_ν(q)(ν + q²)/((ν − 1)(1 − c)) − μ_p
 *   w = [0.5, 0.3, 0.2]: normal h=1 c=.95 (0.05577424737996118, 0.07005284990997113), c=.99 (0.0790614836870129,
 *     0.09064083408742225); normal h=10 c=.95 (0.173421156488399, 0.2185740622874732), c=.99 (0.24706186362925064,
 *     0.2836789847197269); t4 h=1 c=.95 (0.05107882064010826, 0.07695736269077942), c=.99 (0.09010358930120817,
 *     0.12571024773834277)
 *   USD exposures [50000, −20000, 10000]: normal h=1 c=.95 (3475.902786794626, 4357.157726641251), c=.99
 *     (4913.157727383738, 5627.818683813387); t5 h=10 c=.95 (10479.02961237804, 14999.621317900004), c=.99
 *     (17452.40311500895, 23070.330905440704)
 * Sampling error with 200,000 paths is ≈ 0.4% of VaR99 (normal), so closed-form checks allow 2% (3% for t tails).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { historicalES } from '../../src/risk/es.ts';
import { RiskInputError } from '../../src/risk/errors.ts';
import {
  monteCarloPortfolio, monteCarloVaR, simulateReturns, type SimulatedReturns, type SimulationSpec,
} from '../../src/risk/montecarlo.ts';
import { historicalVaR } from '../../src/risk/var.ts';
import { expectRel } from './reference/helpers.ts';

const mean = [0.0001723944669709016, 0.0009384510832629136, 0.0003203163729757685];
const cov = [
  [0.0019282964117158098, 0.0008343953742418508, 0.0012038132721895703],
  [0.0008343953742418508, 0.0006171005083474493, 0.0007174364477446227],
  [0.0012038132721895703, 0.0007174364477446227, 0.0013215015400295698],
];
const weights = [0.5, 0.3, 0.2];
const usd = [50_000, -20_000, 10_000];
const spec: SimulationSpec = { mean, cov, seed: 42 };

function sampleMoments(sim: SimulatedReturns): { m: number[]; c: number[][] } {
  const { paths, assets, data } = sim;
  const m = Array.from({ length: assets }, (_, i) => {
    let s = 0;
    for (let p = 0; p < paths; p++) s += data[p * assets + i] as number;
    return s / paths;
  });
  const c = m.map((mi, i) => m.map((mj, j) => {
    let s = 0;
    for (let p = 0; p < paths; p++) s += ((data[p * assets + i] as number) - mi) * ((data[p * assets + j] as number) - mj);
    return s / (paths - 1);
  }));
  return { m, c };
}

/** Each sample covariance entry within `tol` of the target, relative to √(Σii·Σjj). */
function expectCov(got: number[][], want: readonly (readonly number[])[], tol: number): void {
  want.forEach((row, i) => row.forEach((w, j) => {
    const scale = Math.sqrt((want[i]?.[i] as number) * (want[j]?.[j] as number));
    expect(Math.abs((got[i]?.[j] as number) - w) / scale, `cov[${i}][${j}]`).toBeLessThan(tol);
  }));
}

describe('simulateReturns', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = simulateReturns(spec);
    expect(a.paths).toBe(10_000);
    expect(a.assets).toBe(3);
    expect(a.data).toHaveLength(30_000);
    expect(a.ridge).toBe(0);
    expect(simulateReturns(spec).data).toEqual(a.data);
    expect(simulateReturns({ ...spec, seed: 43 }).data).not.toEqual(a.data);
    const t = { ...spec, dist: { t: 5 } };
    expect(simulateReturns(t).data).toEqual(simulateReturns(t).data);
  });

  it('reproduces the input mean and covariance (normal, 20,000 paths)', () => {
    const { m, c } = sampleMoments(simulateReturns({ ...spec, paths: 20_000, seed: 7 }));
    expectCov(c, cov, 0.03);
    m.forEach((x, i) => expect(Math.abs(x - (mean[i] as number)) / Math.sqrt(cov[i]?.[i] as number)).toBeLessThan(0.03));
  });

  it('reproduces the input covariance with Student-t shocks (ν = 8), scaled so Cov = Σ', () => {
    const { c } = sampleMoments(simulateReturns({ ...spec, paths: 50_000, seed: 11, dist: { t: 8 } }));
    expectCov(c, cov, 0.04);
  });

  it('scales mean and covariance with the horizon', () => {
    const h = 10;
    const { m, c } = sampleMoments(simulateReturns({ ...spec, paths: 20_000, seed: 3, horizon: h }));
    expectCov(c, cov.map((row) => row.map((x) => x * h)), 0.03);
    m.forEach((x, i) => expect(Math.abs(x - (mean[i] as number) * h) / Math.sqrt((cov[i]?.[i] as number) * h)).toBeLessThan(0.03));
  });

  it('adds a ridge to a singular covariance and rejects an indefinite one', () => {
    const singular = [[1e-4, 1e-4], [1e-4, 1e-4]]; // two perfectly correlated assets
    const sim = simulateReturns({ mean: [0, 0], cov: singular, seed: 1 });
    expect(sim.ridge).toBeGreaterThan(0);
    expect(sim.ridge).toBeLessThanOrEqual(1e-12);
    const { c } = sampleMoments(sim);
    expectCov(c, singular, 0.05);
    expect(() => simulateReturns({ mean: [0, 0], cov: [[1e-4, 2e-4], [2e-4, 1e-4]], seed: 1 })).toThrow(/not positive semi-definite/);
  });

  it('rejects malformed specs with RiskInputError', () => {
    expect(() => simulateReturns({ ...spec, paths: 9_999 })).toThrow(/paths is 9999/);
    expect(() => simulateReturns({ ...spec, seed: 0 })).toThrow(/seed is 0/);
    expect(() => simulateReturns({ ...spec, seed: 1.5 })).toThrow(RiskInputError);
    expect(() => simulateReturns({ ...spec, dist: { t: 2 } })).toThrow(/degrees of freedom is 2/);
    expect(() => simulateReturns({ ...spec, mean: [0, 0] })).toThrow(/cov has 3 rows, expected 2/);
    expect(() => simulateReturns({ ...spec, mean: [0, Number.NaN, 0] })).toThrow(RiskInputError);
    expect(() => simulateReturns({ ...spec, cov: [[1, 0.5, 0], [0.4, 1, 0], [0, 0, 1]] })).toThrow(/not symmetric/);
    expect(() => simulateReturns({ ...spec, cov: [[-1, 0, 0], [0, 1, 0], [0, 0, 1]] })).toThrow(/variance must be ≥ 0/);
    expect(() => simulateReturns({ ...spec, horizon: 0 })).toThrow(RiskInputError);
  });
});

describe('monteCarloPortfolio', () => {
  it('prices the linear book and keeps chosen asset returns on the same paths as simulateReturns', () => {
    const s = { ...spec, dist: { t: 6 }, horizon: 3, seed: 1234 };
    const sim = simulateReturns(s);
    const out = monteCarloPortfolio(s, usd, [2, 0]);
    expect(out.paths).toBe(sim.paths);
    expect(out.kept).toHaveLength(2 * sim.paths);
    for (let p = 0; p < sim.paths; p += 997) {
      expect(out.kept[p * 2]).toBe(sim.data[p * 3 + 2]);
      expect(out.kept[p * 2 + 1]).toBe(sim.data[p * 3]);
      const book = usd.reduce((a, w, i) => a + w * (sim.data[p * 3 + i] as number), 0);
      expect(Math.abs((out.linearPnl[p] as number) - book)).toBeLessThan(1e-9);
    }
    expect(monteCarloPortfolio(s, usd).kept).toHaveLength(0);
  });

  it('rejects keep indices outside the assets', () => {
    expect(() => monteCarloPortfolio(spec, usd, [3])).toThrow(/keep\[0\] is 3/);
    expect(() => monteCarloPortfolio(spec, usd, [0.5])).toThrow(RiskInputError);
  });
});

describe('monteCarloVaR', () => {
  it('equals historical VaR/ES of the simulated book returns for the same seed', () => {
    for (const dist of ['normal', { t: 4 }] as const) {
      const s = { ...spec, dist, horizon: 5, seed: 99 };
      const sim = simulateReturns(s);
      const book = Array.from({ length: sim.paths }, (_, p) => weights.reduce((a, w, i) => a + w * (sim.data[p * 3 + i] as number), 0));
      const mc = monteCarloVaR(weights, s, 0.99);
      expectRel(mc.var, historicalVaR(book, 0.99), 1e-10);
      expectRel(mc.es, historicalES(book, 0.99), 1e-10);
    }
  });

  it('converges to the closed-form normal VaR/ES (weights, 1 and 10 days)', () => {
    const big = { ...spec, paths: 200_000, seed: 2024 };
    const cases: [number, number, number, number][] = [
      [1, 0.95, 0.05577424737996118, 0.07005284990997113],
      [1, 0.99, 0.0790614836870129, 0.09064083408742225],
      [10, 0.95, 0.173421156488399, 0.2185740622874732],
      [10, 0.99, 0.24706186362925064, 0.2836789847197269],
    ];
    for (const [horizon, c, v, es] of cases) {
      const mc = monteCarloVaR(weights, { ...big, horizon }, c);
      expectRel(mc.var, v, 0.02);
      expectRel(mc.es, es, 0.02);
    }
  });

  it('converges to the closed-form Student-t VaR/ES (weights ν = 4; USD exposures ν = 5 over 10 days)', () => {
    const big = { ...spec, paths: 200_000, seed: 777 };
    expectRel(monteCarloVaR(weights, { ...big, dist: { t: 4 } }, 0.95).var, 0.05107882064010826, 0.03);
    const t99 = monteCarloVaR(weights, { ...big, dist: { t: 4 } }, 0.99);
    expectRel(t99.var, 0.09010358930120817, 0.03);
    expectRel(t99.es, 0.12571024773834277, 0.05); // ν = 4 has infinite 4th moment: the tail mean converges slowly
    const usd95 = monteCarloVaR(usd, { ...big, dist: { t: 5 }, horizon: 10 }, 0.95);
    expectRel(usd95.var, 10479.02961237804, 0.03);
    expectRel(usd95.es, 14999.621317900004, 0.03);
    const usd99 = monteCarloVaR(usd, { ...big, dist: { t: 5 }, horizon: 10 }, 0.99);
    expectRel(usd99.var, 17452.40311500895, 0.03);
    expectRel(usd99.es, 23070.330905440704, 0.05);
  });

  it('reports USD for USD exposures (normal, 1 day)', () => {
    const big = { ...spec, paths: 200_000, seed: 5 };
    const r95 = monteCarloVaR(usd, big, 0.95);
    expectRel(r95.var, 3475.902786794626, 0.02);
    expectRel(r95.es, 4357.157726641251, 0.02);
    const r99 = monteCarloVaR(usd, big, 0.99);
    expectRel(r99.var, 4913.157727383738, 0.02);
    expectRel(r99.es, 5627.818683813387, 0.02);
  });

  it('VaR99 ≥ VaR95 and ES ≥ VaR for any seed and book', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 0xffff_ffff }),
      fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
      fc.constantFrom<SimulationSpec['dist']>('normal', { t: 3 }, { t: 10 }),
      (seed, w, dist) => {
        const s = { ...spec, seed, dist };
        const r95 = monteCarloVaR(w, s, 0.95);
        const r99 = monteCarloVaR(w, s, 0.99);
        expect(r99.var).toBeGreaterThanOrEqual(r95.var);
        expect(r95.es).toBeGreaterThanOrEqual(r95.var);
        expect(r99.es).toBeGreaterThanOrEqual(r99.var);
      },
    ), { numRuns: 25 });
  });

  it('rejects a book of the wrong size, NaN exposures and bad confidence', () => {
    expect(() => monteCarloVaR([1, 2], spec, 0.95)).toThrow(/2 exposures for 3 assets/);
    expect(() => monteCarloVaR([1, Number.NaN, 0], spec, 0.95)).toThrow(RiskInputError);
    expect(() => monteCarloVaR(weights, spec, 1)).toThrow(/confidence/);
  });
});
