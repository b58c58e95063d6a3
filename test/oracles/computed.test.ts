/**
 * Equal weight, inverse volatility, risk parity and the optimisers on returns given by hand. ORTHO holds three series
 * with zero mean and zero sample covariance (orthogonal ±1 patterns) scaled by 1%, 2%, 4%, plus a drift, so every
 * optimum has a closed form; NUMPY holds generic returns whose reference numbers come from numpy (see each test).
 */
import { describe, expect, it } from 'vitest';
import { covarianceMatrix } from '../../src/risk/covariance.ts';
import { maxSharpe, minVariance } from '../../src/risk/optimize.ts';
import { createOracle, type OracleDeps, type ReturnsProvider } from '../../src/oracles/index.ts';
import { inverseVolatilityOracle, inverseVolatilityWeights } from '../../src/oracles/inverse-volatility.ts';
import { optimizerOracle } from '../../src/oracles/optimizer.ts';
import { riskParityOracle } from '../../src/oracles/risk-parity.ts';
import { equalWeightOracle } from '../../src/oracles/equal-weight.ts';

const AT = Date.UTC(2026, 10, 21);
const repeat = (xs: number[], k: number): number[] => Array.from({ length: k }, () => xs).flat();
const P = repeat([1, -1, 1, -1], 3);
const Q = repeat([1, 1, -1, -1], 3);
const R = repeat([1, -1, -1, 1], 3);
/** σ_A = 1%·√(12/11), σ_B = 2× that, σ_C = 4×; sample covariances exactly 0; means 0.1%, 0.2%, 0.1%. */
const ORTHO: Record<string, number[]> = {
  A: P.map((x) => 0.01 * x + 0.001),
  B: Q.map((x) => 0.02 * x + 0.002),
  C: R.map((x) => 0.04 * x + 0.001),
};
const NUMPY: Record<string, number[]> = {
  X: [0.0000, 0.0060, -0.0055, -0.0178, -0.0091, -0.0198, 0.0012, 0.0268, -0.0098, -0.0124, 0.0098, 0.0071],
  Y: [0.0053, -0.0465, -0.0015, 0.0348, -0.0672, -0.0229, -0.0951, -0.0645, -0.0921, -0.0118, -0.0634, 0.0136],
  Z: [0.0055, -0.0065, -0.0881, -0.0189, -0.0017, 0.0040, -0.0536, -0.0167, -0.0342, -0.0283, 0.0371, -0.0283],
};

function provider(data: Record<string, number[]>): ReturnsProvider {
  return (assets) => Promise.resolve(assets.map((a) => data[a] ?? []));
}
const sum = (w: Readonly<Record<string, number>>): number => Object.values(w).reduce((s, v) => s + v, 0);
const base = (data: Record<string, number[]>) => ({ universe: Object.keys(data), returns: provider(data), periodsPerYear: 365 });

describe('equal weight', () => {
  it('1/N over the universe (a function of time or a list)', async () => {
    expect(await equalWeightOracle({ universe: ['SOL', 'BTC', 'ETH', 'JUP'] }).fetchWeights(AT)).toEqual({ BTC: 0.25, ETH: 0.25, JUP: 0.25, SOL: 0.25 });
    const three = await equalWeightOracle({ universe: () => Promise.resolve(['SOL', 'BTC', 'ETH', 'SOL']) }).fetchWeights(AT);
    expect(three).toEqual({ BTC: 1 / 3, ETH: 1 / 3, SOL: 1 / 3 });
    await expect(equalWeightOracle({ universe: [] }).fetchWeights(AT)).rejects.toThrow('equal needs at least 1 asset to weight, got none.');
  });
});

describe('inverse volatility', () => {
  it('σ in ratio 1:2:4 gives 4/7, 2/7, 1/7', async () => {
    const w = await inverseVolatilityOracle(base(ORTHO)).fetchWeights(AT);
    expect(w.A).toBeCloseTo(4 / 7, 14);
    expect(w.B).toBeCloseTo(2 / 7, 14);
    expect(w.C).toBeCloseTo(1 / 7, 14);
  });

  it('matches numpy: w = (1/s)/Σ(1/s), s = np.std(r, ddof=1)', async () => {
    // s = [0.013238542788068, 0.043040153028623, 0.031784857982532]
    // w = [0.580015933151844, 0.178404703712034, 0.241579363136122]
    const p = await inverseVolatilityOracle(base(NUMPY)).propose(AT);
    expect(p.weights.X).toBeCloseTo(0.580015933151844, 13);
    expect(p.weights.Y).toBeCloseTo(0.178404703712034, 13);
    expect(p.weights.Z).toBeCloseTo(0.241579363136122, 13);
    // annual σ = s·√365: 25.3% and 82.2%
    expect(p.detail).toBe('12 days of returns; annual volatility 25%–82%');
    expect(inverseVolatilityWeights([1, 1])).toEqual([0.5, 0.5]);
  });

  it('uses only the last lookbackDays returns, needs 10, refuses σ = 0', async () => {
    const long = { A: [...new Array<number>(5).fill(0.5), ...ORTHO.A!], B: [...new Array<number>(5).fill(-0.5), ...ORTHO.B!] };
    const w = await inverseVolatilityOracle({ ...base(long), lookbackDays: 12 }).fetchWeights(AT);
    expect(w.A).toBeCloseTo(2 / 3, 14);
    await expect(inverseVolatilityOracle({ ...base(ORTHO), lookbackDays: 9 }).fetchWeights(AT)).rejects.toThrow('inverse-vol needs at least 10 days of returns for A, B, C, got 9.');
    const flat = { A: ORTHO.A!, USDC: new Array<number>(12).fill(0) };
    await expect(inverseVolatilityOracle(base(flat)).fetchWeights(AT)).rejects.toThrow('inverse-vol: USDC did not move over the last 12 days (σ = 0)');
  });
});

describe('risk parity', () => {
  it('uncorrelated assets: the same as inverse volatility', async () => {
    const w = await riskParityOracle(base(ORTHO)).fetchWeights(AT);
    expect(w.A).toBeCloseTo(4 / 7, 12);
    expect(w.B).toBeCloseTo(2 / 7, 12);
    expect(w.C).toBeCloseTo(1 / 7, 12);
  });

  it('equal risk contributions w_i(Σw)_i / wᵀΣw = 1/3; scipy reference', async () => {
    const w = await riskParityOracle(base(NUMPY)).fetchWeights(AT);
    const assets = ['X', 'Y', 'Z'];
    const x = assets.map((a) => w[a]!);
    const cov = covarianceMatrix(assets.map((a) => NUMPY[a]!));
    const sw = cov.map((row) => row.reduce((s, c, j) => s + c * x[j]!, 0));
    const total = x.reduce((s, v, i) => s + v * sw[i]!, 0);
    for (let i = 0; i < 3; i++) expect((x[i]! * sw[i]!) / total).toBeCloseTo(1 / 3, 10);
    expect(sum(w)).toBeCloseTo(1, 14);
    // scipy L-BFGS-B on ½yᵀΣy − Σ ln y, w = y/Σy: [0.5915452061, 0.1977500576, 0.2107047363] (to ~1e-6)
    expect(x[0]).toBeCloseTo(0.5915452061, 5);
    expect(x[1]).toBeCloseTo(0.1977500576, 5);
    expect(x[2]).toBeCloseTo(0.2107047363, 5);
  });

  it('bounds bind: A capped at 50%, a note says so', async () => {
    const p = await riskParityOracle({ ...base(ORTHO), bounds: [0, 0.5] }).propose(AT);
    expect(p.weights.A).toBeCloseTo(0.5, 12);
    expect(sum(p.weights)).toBeCloseTo(1, 14);
    expect(p.note).toContain('bounds bind');
  });
});

describe('optimisers', () => {
  it('min-variance: w ∝ 1/σ² = 16/21, 4/21, 1/21; with a 60% cap: 0.6, 0.32, 0.08', async () => {
    const w = await optimizerOracle({ ...base(ORTHO), objective: 'min-variance' }).fetchWeights(AT);
    expect(w.A).toBeCloseTo(16 / 21, 9);
    expect(w.B).toBeCloseTo(4 / 21, 9);
    expect(w.C).toBeCloseTo(1 / 21, 9);
    const capped = await optimizerOracle({ ...base(ORTHO), objective: 'min-variance', bounds: [0, 0.6] }).fetchWeights(AT);
    expect(capped.A).toBeCloseTo(0.6, 12);
    expect(capped.B).toBeCloseTo(0.32, 9);
    expect(capped.C).toBeCloseTo(0.08, 9);
  });

  it('max-sharpe: w ∝ μ/σ² = 0.64, 0.32, 0.04; within per-asset bounds', async () => {
    const w = await optimizerOracle({ ...base(ORTHO), objective: 'max-sharpe' }).fetchWeights(AT);
    expect(w.A).toBeCloseTo(0.64, 9);
    expect(w.B).toBeCloseTo(0.32, 9);
    expect(w.C).toBeCloseTo(0.04, 9);
    const b = await optimizerOracle({ ...base(ORTHO), objective: 'max-sharpe', bounds: { A: [0, 0.5], C: [0.1, 0.3] } }).fetchWeights(AT);
    expect(b.A).toBeLessThanOrEqual(0.5);
    expect(b.C).toBeGreaterThanOrEqual(0.1);
    expect(b.C).toBeLessThanOrEqual(0.3);
    expect(sum(b)).toBeCloseTo(1, 14);
  });

  it('max-sharpe with no positive return: a clear error', async () => {
    const losing = { A: ORTHO.A!.map((x) => x - 0.01), B: ORTHO.B!.map((x) => x - 0.01) };
    await expect(optimizerOracle({ ...base(losing), objective: 'max-sharpe' }).fetchWeights(AT)).rejects.toThrow('max-sharpe: no mix of A, B earned more than the risk-free rate');
  });

  it('target-vol: 30% a year is hit; 15% is below the least volatile mix (a user error naming both)', async () => {
    const at30 = await optimizerOracle({ ...base(ORTHO), objective: 'target-vol', targetVolAnnual: 0.3 }).propose(AT);
    const x = ['A', 'B', 'C'].map((a) => at30.weights[a]!);
    const cov = covarianceMatrix(['A', 'B', 'C'].map((a) => ORTHO[a]!));
    const vol = Math.sqrt(x.reduce((s, v, i) => s + v * v * cov[i]![i]!, 0) * 365);
    expect(vol).toBeCloseTo(0.3, 9);
    expect(x.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(sum(at30.weights)).toBeCloseTo(1, 14);
    expect(at30.note).toBeUndefined();
    // least volatile mix: σ² = (12/11)·1e-4 / (1 + 1/4 + 1/16) per day → 17.4% a year
    await expect(optimizerOracle({ ...base(ORTHO), objective: 'target-vol' }).propose(AT)).rejects.toThrow(
      'target-vol: 15.0% a year is below the least volatile mix of A, B, C (17.4%); aim at 17.5% or more, or use min-variance.');
    // the highest-return mix (all B) has σ = 2%·√(12/11)·√365 = 39.9% a year < 40%
    const at40 = await optimizerOracle({ ...base(ORTHO), objective: 'target-vol', targetVolAnnual: 0.4 }).propose(AT);
    expect(at40.note).toBe('even the highest-return mix stays below 40.0% (39.9%)');
    expect(at40.weights.B).toBeCloseTo(1, 12);
  });

  it('needs two assets and feasible bounds', async () => {
    await expect(optimizerOracle({ ...base({ A: ORTHO.A! }), objective: 'min-variance' }).fetchWeights(AT)).rejects.toThrow('min-variance needs at least 2 assets to weight, got A.');
    await expect(optimizerOracle({ ...base(ORTHO), objective: 'min-variance', bounds: [0, 0.3] }).fetchWeights(AT)).rejects.toThrow('min-variance: no weights within the bounds sum to 1 (lower bounds sum to 0, upper to 0.8999999999999999) for A, B, C.');
  });
});

describe('createOracle', () => {
  // 30% a year: above ORTHO's least volatile mix (17.4%), so target-vol has an answer.
  const deps: OracleDeps = { ...base(ORTHO), knownAssets: ['A', 'B', 'C'], targetVolAnnual: 0.3 };

  it.each(['equal', 'inverse-vol', 'risk-parity', 'min-variance', 'max-sharpe', 'target-vol', ' Risk-Parity '])('%s: validated weights summing to 1', async (name) => {
    const o = createOracle(name, deps);
    expect(o.name).toBe(name.trim().toLowerCase());
    expect(o.description.length).toBeGreaterThan(10);
    const w = await o.fetchWeights(AT);
    expect(Object.keys(w).sort()).toEqual(['A', 'B', 'C']);
    expect(Math.abs(sum(w) - 1)).toBeLessThan(1e-9);
    expect(Object.values(w).every((v) => v >= 0)).toBe(true);
  });

  it('unknown names list the oracles', () => {
    expect(() => createOracle('momentum', deps)).toThrow('No weight oracle "momentum".');
    try {
      createOracle('momentum', deps);
    } catch (err) {
      expect((err as { hint?: string }).hint).toBe('Oracles: equal, inverse-vol, risk-parity, min-variance, max-sharpe, target-vol, static:<path>, signals:<path-or-url>');
    }
    expect(() => createOracle('static:', deps)).toThrow('static: needs a file, e.g. static:weights.yaml.');
    expect(() => createOracle('signals:', deps)).toThrow('signals: needs a file or an https URL');
  });

  it('validates what an oracle proposes (an asset outside the known ones)', async () => {
    await expect(createOracle('equal', { ...deps, knownAssets: ['A', 'B'] }).fetchWeights(AT)).rejects.toThrow('equal: unknown asset C.');
  });

  it('long-short (gross): the optimisers short within ±bounds and the cap, as the risk layer solves it; the rest refuse', async () => {
    // Reference: minVariance / maxSharpe themselves on
    // the same covariance (ddof = 1) and means, bounds [−1, 1], gross 150% — the oracle adds only naming and validation.
    const ls: OracleDeps = { ...base(NUMPY), knownAssets: ['X', 'Y', 'Z'], bounds: [-1, 1], gross: 1.5 };
    const rows = ['X', 'Y', 'Z'].map((a) => NUMPY[a]!);
    const cov = covarianceMatrix(rows);
    const mu = rows.map((r) => r.reduce((s, v) => s + v, 0) / r.length);
    const bounds = rows.map(() => [-1, 1] as const);
    for (const [name, ref] of [['min-variance', minVariance(cov, bounds, { mu, gross: 1.5 })], ['max-sharpe', maxSharpe(mu, cov, 0, bounds, { gross: 1.5 })]] as const) {
      const o = createOracle(name, ls);
      expect(o.name).toBe(`${name} long-short`);
      expect(o.description).toContain('(gross ≤ 150%)');
      const w = await o.fetchWeights(AT);
      ['X', 'Y', 'Z'].forEach((a, i) => expect(w[a], `${name} ${a}`).toBeCloseTo(ref.weights[i]!, 12));
      // Y lost 3.4% a day on average: max-sharpe shorts it.
      if (name === 'max-sharpe') expect(w.Y).toBeLessThan(0);
      expect(Math.abs(sum(w) - 1)).toBeLessThan(1e-9);
      expect(Object.values(w).reduce((s, v) => s + Math.abs(v), 0)).toBeLessThanOrEqual(1.5 + 1e-9);
    }
    expect(() => createOracle('risk-parity', ls)).toThrow('risk-parity is long-only: a short cannot carry a risk budget.');
    for (const name of ['equal', 'inverse-vol', 'signals:s.csv']) expect(() => createOracle(name, ls), name).toThrow('is long-only: its weights are never below 0.');
    // Long-only bounds stay long-only: a lower bound below 0 without gross is refused.
    await expect(createOracle('min-variance', { ...ls, gross: undefined }).fetchWeights(AT)).rejects.toThrow('expected 0 ≤ lo ≤ hi ≤ 1 (long-only fractions)');
  });
});
