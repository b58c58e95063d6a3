/**
 * GARCH(1,1) MLE. Reference: test/risk/reference/garch.py — scipy.optimize.minimize (Nelder–Mead → BFGS →
 * Nelder–Mead from the same four starts) on the same likelihood, seed and parameterisation:
 *   ε = r − mean(r) ('constant') or r ('zero');  σ²_1 = mean(ε²);  σ²_{t+1} = ω + αε²_t + βσ²_t;
 *   log L = −½ Σ (ln 2π + ln σ²_t + ε²_t/σ²_t);  ω = σ²_1·e^θ0, α+β = logistic(θ1), α = (α+β)·logistic(θ2).
 * Series: SOL and BTC daily LOG returns from ../shared/data/prices (SOL 2024-01-01..2025-12-31, BTC 2020-01-01..
 * 2025-12-31). scipy results:
 *   SOL constant: ω 0.00037866224994230913, α 0.09657265309524951, β 0.703576049834014, log L 1261.829253149711,
 *                 σ²_n 0.0013562585219118817, one-step 0.0013337953565479611, 10-step 0.0018193079300361733,
 *                 V_L 0.0018947200017835428
 *   SOL zero:     ω 0.00037904238555010525, α 0.09651328506918293, β 0.7034513833644578, log L 1261.7921911213712
 *   BTC constant: ω 3.337353309122737e-05, α 0.11929269587907185, β 0.8654699410267954, log L 4527.126963365507
 *   2023-01-01..2025-12-31, constant: ETH ω 4.506016235560577e-06, α 0.01706646523843657, β 0.9791151996100417,
 *                 log L 2214.2018381093267; PYTH ω 0.0015703897908072465, α 0.015141244039061882,
 *                 β 0.600568410274309, log L 945.402909624308
 *   log L at (ω 1e-4, α 0.08, β 0.87), SOL constant-mean residuals: 1257.7184152936516
 *   forecast (ω 2e-5, α 0.1, β 0.85, μ 0.001, r_t 0.03, σ²_t 0.0009): one-step 0.0008691, V_L 0.0004,
 *   5-step 0.0007820848818749998, Σ of 5 steps 0.004122387244374999
 */
import normal from '@stdlib/random-base-normal';
import { describe, expect, it } from 'vitest';
import { RiskInputError } from '../../src/risk/errors.ts';
import { fitGarch, garchForecast, garchLogLikelihood, type GarchFit } from '../../src/risk/garch.ts';
import { itShared, lazy } from '../helpers/shared-dir.ts';
import { SOL_2024_2025, dailyCloses, expectRel, naiveLog } from './reference/helpers.ts';

const solLog = lazy(() => naiveLog(SOL_2024_2025()));

interface Reference { omega: number; alpha: number; beta: number; ll: number }

/** Log-likelihood at least scipy's (minus 1e-4), parameters within 2% or 0.01 absolute (ω within 2% or 1e-6). */
function expectMatches(fit: GarchFit, ref: Reference): void {
  expect(fit.logLikelihood).toBeGreaterThanOrEqual(ref.ll - 1e-4);
  expect(fit.converged).toBe(true);
  const close = (got: number, want: number, abs: number): void => {
    expect(Math.abs(got - want) <= Math.max(0.02 * Math.abs(want), abs), `${got} vs ${want}`).toBe(true);
  };
  close(fit.omega, ref.omega, 1e-6);
  close(fit.alpha, ref.alpha, 0.01);
  close(fit.beta, ref.beta, 0.01);
}

describe('garchLogLikelihood', () => {
  itShared('matches the Python likelihood at fixed parameters to 1e-12', () => {
    const mu = solLog().reduce((a, b) => a + b, 0) / solLog().length;
    const eps = solLog().map((r) => r - mu);
    const seed = eps.reduce((a, e) => a + e * e, 0) / eps.length;
    expectRel(seed, 0.0019256549097819513, 1e-12);
    expectRel(garchLogLikelihood(eps, 1e-4, 0.08, 0.87, seed), 1257.7184152936516, 1e-12);
  });

  it('is −Infinity when a variance is not positive', () => {
    expect(garchLogLikelihood([0.01, 0.02], 0, 0, 0, 0)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('fitGarch', () => {
  itShared('fits SOL daily log returns (constant mean) as well as scipy', () => {
    const fit = fitGarch(solLog());
    expectMatches(fit, { omega: 0.00037866224994230913, alpha: 0.09657265309524951, beta: 0.703576049834014, ll: 1261.829253149711 });
    expectRel(fit.mean, 0.0001723944669709015, 1e-12);
    expectRel(fit.seedVariance, 0.0019256549097819513, 1e-12);
    expect(fit.persistence).toBeCloseTo(fit.alpha + fit.beta, 15);
    expectRel(fit.longRunVariance, 0.0018947200017835428, 1e-3);
    expect(fit.conditionalVariance).toHaveLength(solLog().length);
    expectRel(fit.conditionalVariance.at(-1) as number, 0.0013562585219118817, 1e-3);
    expect(fit.conditionalVariance[0]).toBe(fit.seedVariance);
  });

  itShared('fits SOL with a zero mean as well as scipy', () => {
    const fit = fitGarch(solLog(), { mean: 'zero' });
    expect(fit.mean).toBe(0);
    expectMatches(fit, { omega: 0.00037904238555010525, alpha: 0.09651328506918293, beta: 0.7034513833644578, ll: 1261.7921911213712 });
  });

  itShared('fits six years of BTC (high persistence) as well as scipy', () => {
    const btc = naiveLog(dailyCloses('BTC', '2020-01-01', '2025-12-31'));
    expectMatches(fitGarch(btc), { omega: 3.337353309122737e-5, alpha: 0.11929269587907185, beta: 0.8654699410267954, ll: 4527.126963365507 });
  });

  itShared('fits near-integrated ETH and weakly persistent PYTH (2023-2025) as well as scipy', () => {
    const eth = naiveLog(dailyCloses('ETH', '2023-01-01', '2025-12-31'));
    expectMatches(fitGarch(eth), { omega: 4.506016235560577e-6, alpha: 0.01706646523843657, beta: 0.9791151996100417, ll: 2214.2018381093267 });
    const pyth = naiveLog(dailyCloses('PYTH', '2023-01-01', '2025-12-31'));
    expectMatches(fitGarch(pyth), { omega: 0.0015703897908072465, alpha: 0.015141244039061882, beta: 0.600568410274309, ll: 945.402909624308 });
  });

  it('recovers the parameters of a simulated GARCH(1,1) and is deterministic', () => {
    const z = normal.factory(0, 1, { seed: 20_240_101 });
    const [omega, alpha, beta] = [2e-5, 0.1, 0.85];
    let v = omega / (1 - alpha - beta);
    const r: number[] = [];
    for (let t = 0; t < 4000; t++) {
      const e = Math.sqrt(v) * z();
      r.push(e);
      v = omega + alpha * e * e + beta * v;
    }
    const fit = fitGarch(r, { mean: 'zero' });
    expect(Math.abs(fit.alpha - alpha)).toBeLessThan(0.04);
    expect(Math.abs(fit.beta - beta)).toBeLessThan(0.05);
    expect(fitGarch(r, { mean: 'zero' })).toEqual(fit);
  });

  itShared('keeps ω > 0, α, β ≥ 0 and α + β < 1', () => {
    const fit = fitGarch(solLog());
    expect(fit.omega).toBeGreaterThan(0);
    expect(fit.alpha).toBeGreaterThanOrEqual(0);
    expect(fit.beta).toBeGreaterThanOrEqual(0);
    expect(fit.persistence).toBeLessThan(1);
  });

  itShared('throws RiskInputError on fewer than 30 returns, a constant series or NaN', () => {
    expect(() => fitGarch(solLog().slice(0, 29))).toThrow(/need at least 30 values, got 29/);
    expect(() => fitGarch(new Array<number>(100).fill(0.01))).toThrow(/constant/);
    expect(() => fitGarch([...solLog().slice(0, 50), Number.NaN])).toThrow(RiskInputError);
  });
});

describe('garchForecast', () => {
  const fixed = { omega: 2e-5, alpha: 0.1, beta: 0.85, mean: 0.001 };

  it('matches the hand formula σ²_{t+h} = V_L + (α+β)^{h−1}(σ²_{t+1} − V_L)', () => {
    const f = garchForecast(fixed, 0.03, 0.0009, 5);
    expectRel(f.oneStep, 0.0008691, 1e-13);
    expectRel(f.hStep, 0.0007820848818749998, 1e-13);
    expectRel(f.cumulative, 0.004122387244374999, 1e-13);
    expect(f.path).toHaveLength(5);
    expect(f.path[0]).toBe(f.oneStep);
    expect(garchForecast(fixed, 0.03, 0.0009, 1).hStep).toBe(f.oneStep);
  });

  itShared('forecasts SOL 1 and 10 days ahead like the scipy fit, decaying to the long-run variance', () => {
    const fit = fitGarch(solLog());
    const f = garchForecast(fit, solLog().at(-1) as number, fit.conditionalVariance.at(-1) as number, 10);
    expectRel(f.oneStep, 0.0013337953565479611, 1e-3);
    expectRel(f.hStep, 0.0018193079300361733, 1e-3);
    const far = garchForecast(fit, solLog().at(-1) as number, fit.conditionalVariance.at(-1) as number, 500);
    expectRel(far.hStep, fit.longRunVariance, 1e-9);
  });

  it('rejects h < 1, a negative variance and non-stationary parameters', () => {
    expect(() => garchForecast(fixed, 0.01, 0.001, 0)).toThrow(/h is 0/);
    expect(() => garchForecast(fixed, 0.01, 0.001, 1.5)).toThrow(RiskInputError);
    expect(() => garchForecast(fixed, 0.01, -1, 2)).toThrow(RiskInputError);
    expect(() => garchForecast({ ...fixed, beta: 0.95 }, 0.01, 0.001, 2)).toThrow(/not a stationary/);
    expect(() => garchForecast(fixed, Number.NaN, 0.001, 2)).toThrow(RiskInputError);
  });
});
