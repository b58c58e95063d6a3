/**
 * Position sizing (seed 003 PositionSizer) and RiskLimits caps. Independent values from
 * test/risk/reference/sizing.py (numpy), equity $100,000, SOL daily simple returns 2024-02-01..2025-08-13 (560):
 *   fixed fraction 2% → 2,000; with a 5% stop → 40,000
 *   SOL annual vol (std ddof=1 × √365) 0.8529372345182521 → 15% vol target 17,586.28817332867
 *   SOL 1-day 95% historical VaR (−np.quantile 'linear') 0.06458522499853106 → 1% VaR budget 15,483.41745380223
 *   SOL daily mean 0.0022941014087143464, variance 0.001993155961719572 → Kelly 1.1509894121557538,
 *   half-Kelly notional 57,549.47060778769
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_LIMITS } from '../../src/domain/limits.ts';
import type { RiskLimits } from '../../src/domain/limits.ts';
import { RiskInputError } from '../../src/risk/errors.ts';
import { concentration } from '../../src/risk/limits.ts';
import { capByLimits, fixedFraction, halfKelly, varBudget, volatilityTarget } from '../../src/risk/sizing.ts';
import { historicalVaR } from '../../src/risk/var.ts';
import { annualizedVolatility, mean, variance } from '../../src/risk/volatility.ts';
import { itShared, lazy } from '../helpers/shared-dir.ts';
import { dailyCloses, expectRel, naiveSimple } from './reference/helpers.ts';

const EQUITY = 100_000;
const SOL = lazy(() => naiveSimple(dailyCloses('SOL', '2024-01-31', '2025-08-13')));

describe('sizing methods', () => {
  it('fixed fraction: a share of equity, or the risk budget over the stop distance', () => {
    const a = fixedFraction(EQUITY, 0.02);
    expect([a.method, a.notionalUsd, a.fractionOfEquity]).toEqual(['fixed-fraction', 2000, 0.02]);
    expect(a.reasoning).toMatch(/2% of equity \$100,000 = \$2,000/);
    const b = fixedFraction(EQUITY, 0.02, 0.05);
    expectRel(b.notionalUsd, 40_000, 1e-15);
    expect(b.reasoning).toMatch(/stop 5% away/);
  });

  itShared('volatility target on SOL’s real annual vol', () => {
    const vol = annualizedVolatility(SOL(), 365);
    expectRel(vol, 0.8529372345182521, 1e-12);
    const s = volatilityTarget(EQUITY, 0.15, vol);
    expectRel(s.notionalUsd, 17_586.28817332867, 1e-12);
    expect(s.reasoning).toMatch(/target 15%\/yr/);
  });

  itShared('VaR budget on SOL’s real 1-day 95% historical VaR', () => {
    const v = historicalVaR(SOL(), 0.95);
    expectRel(v, 0.06458522499853106, 1e-12);
    const s = varBudget(EQUITY, 0.01, v);
    expectRel(s.notionalUsd, 15_483.41745380223, 1e-12);
    // The position's own 1-day VaR is then exactly the budget.
    expectRel(s.notionalUsd * v, EQUITY * 0.01, 1e-14);
  });

  itShared('half-Kelly on SOL’s real daily mean and variance; no edge sizes to zero', () => {
    const s = halfKelly(mean(SOL()), variance(SOL()), EQUITY);
    expectRel(s.notionalUsd, 57_549.47060778769, 1e-12);
    expectRel(s.fractionOfEquity, 1.1509894121557538 / 2, 1e-12);
    expect(s.reasoning).toMatch(/Kelly f\* = μ\/σ²/);
    const none = halfKelly(-0.001, 0.002, EQUITY);
    expect([none.notionalUsd, none.fractionOfEquity]).toEqual([0, 0]);
    expect(none.reasoning).toMatch(/no edge/);
  });

  it('rejects percents, non-positive equity and impossible inputs with RiskInputError', () => {
    expect(() => fixedFraction(EQUITY, 2)).toThrow(/not a percent/);
    expect(() => fixedFraction(0, 0.02)).toThrow(/equity/);
    expect(() => fixedFraction(EQUITY, 0.02, 0)).toThrow(/stopDistance/);
    expect(() => volatilityTarget(EQUITY, 0.15, 0)).toThrow(/assetVolAnnual/);
    expect(() => varBudget(EQUITY, 0.01, -0.05)).toThrow(/assetVaR1d/);
    expect(() => halfKelly(0.001, 0, EQUITY)).toThrow(/variance/);
    expect(() => halfKelly(Number.NaN, 0.01, EQUITY)).toThrow(RiskInputError);
  });
});

describe('capByLimits (seed 003 defaults: $50,000, 30% of equity, 5× leverage)', () => {
  it('reports which cap bound', () => {
    const kelly = capByLimits(57_549.47060778769, EQUITY, DEFAULT_RISK_LIMITS);
    expect([kelly.notionalUsd, kelly.boundBy]).toEqual([30_000, 'maxPositionSizePercent']);
    // No gross yet: x / max(x, 100,000) ≤ 30% ⇔ x ≤ 30,000.
    expect(kelly.reasoning).toBe('capped at $30,000: more would make it over 30% concentration');
    const big = capByLimits(80_000, 1_000_000, DEFAULT_RISK_LIMITS);
    expect([big.notionalUsd, big.boundBy]).toEqual([50_000, 'maxPositionSizeUsd']);
    const levered = capByLimits(25_000, EQUITY, DEFAULT_RISK_LIMITS, 480_000);
    expect([levered.notionalUsd, levered.boundBy]).toEqual([20_000, 'maxPortfolioLeverage']);
    // Gross 480,000 > equity: x / (480,000 + x) ≤ 0.3 ⇔ x ≤ 0.3 × 480,000 / 0.7 = 205,714.29.
    expect(levered.caps.maxPositionSizeUsd).toBe(50_000);
    expect(levered.caps.maxPositionSizePercent).toBeCloseTo(205_714.2857142857, 6);
    expect(levered.caps.maxPortfolioLeverage).toBe(20_000);
    const fits = capByLimits(10_000, EQUITY, DEFAULT_RISK_LIMITS);
    expect([fits.notionalUsd, fits.boundBy, fits.requestedUsd]).toEqual([10_000, 'none', 10_000]);
    const full = capByLimits(10_000, EQUITY, DEFAULT_RISK_LIMITS, 600_000);
    expect([full.notionalUsd, full.boundBy]).toEqual([0, 'maxPortfolioLeverage']);
  });

  it('never exceeds any cap or the request, and equals the smallest of them', () => {
    const limitsArb = fc.record({
      maxPortfolioLeverage: fc.double({ min: 0, max: 20, noNaN: true }),
      maxPositionSizeUsd: fc.double({ min: 0, max: 1e7, noNaN: true }),
      maxPositionSizePercent: fc.double({ min: 0, max: 1, noNaN: true }),
    }).map((l): RiskLimits => ({ ...DEFAULT_RISK_LIMITS, ...l }));
    fc.assert(fc.property(
      fc.double({ min: 0, max: 1e7, noNaN: true }), fc.double({ min: 1, max: 1e7, noNaN: true }),
      fc.double({ min: 0, max: 1e8, noNaN: true }), limitsArb,
      (notional, equity, gross, limits) => {
        const c = capByLimits(notional, equity, limits, gross);
        const caps = [limits.maxPositionSizeUsd, c.caps.maxPositionSizePercent, Math.max(0, limits.maxPortfolioLeverage * equity - gross)];
        // The concentration cap is the largest x whose concentration x / max(gross + x, equity) is within the limit.
        const p = limits.maxPositionSizePercent;
        const conc = (x: number): number => concentration(x, gross + x, equity);
        if (p < 1) {
          expect(conc(c.notionalUsd)).toBeLessThanOrEqual(p + 1e-9);
          expect(conc(c.caps.maxPositionSizePercent)).toBeCloseTo(p, 9);
        } else expect(c.caps.maxPositionSizePercent).toBe(Infinity);
        expect(c.notionalUsd).toBeGreaterThanOrEqual(0);
        expect(c.notionalUsd).toBeLessThanOrEqual(notional);
        for (const cap of caps) expect(c.notionalUsd).toBeLessThanOrEqual(cap);
        expect(c.notionalUsd).toBe(Math.min(notional, ...caps));
        expect(c.boundBy === 'none').toBe(c.notionalUsd === notional && caps.every((x) => x >= notional));
        if (c.boundBy !== 'none') expect(c.caps[c.boundBy]).toBe(c.notionalUsd);
      },
    ));
  });

  it('every sizing method’s suggestion, once capped, respects the limits', () => {
    fc.assert(fc.property(
      fc.double({ min: 1000, max: 1e7, noNaN: true }), fc.double({ min: 0.001, max: 1, noNaN: true }),
      fc.double({ min: 0.05, max: 2, noNaN: true }), fc.double({ min: 0, max: 1e7, noNaN: true }),
      (equity, f, vol, gross) => {
        for (const s of [fixedFraction(equity, f, f / 2), volatilityTarget(equity, 0.15, vol), varBudget(equity, f / 10, vol / 16), halfKelly(f / 100, (vol * vol) / 365, equity)]) {
          const c = capByLimits(s.notionalUsd, equity, DEFAULT_RISK_LIMITS, gross);
          expect(c.notionalUsd).toBeLessThanOrEqual(DEFAULT_RISK_LIMITS.maxPositionSizeUsd);
          expect(concentration(c.notionalUsd, gross + c.notionalUsd, equity)).toBeLessThanOrEqual(DEFAULT_RISK_LIMITS.maxPositionSizePercent * (1 + 1e-12));
          expect(gross + c.notionalUsd).toBeLessThanOrEqual(Math.max(gross, DEFAULT_RISK_LIMITS.maxPortfolioLeverage * equity) * (1 + 1e-15));
        }
      },
    ));
  });

  it('rejects negative notionals, bad equity, gross or limits', () => {
    expect(() => capByLimits(-1, EQUITY, DEFAULT_RISK_LIMITS)).toThrow(/magnitude/);
    expect(() => capByLimits(1, -5, DEFAULT_RISK_LIMITS)).toThrow(/equity/);
    expect(() => capByLimits(1, EQUITY, DEFAULT_RISK_LIMITS, -1)).toThrow(/gross/);
    expect(() => capByLimits(1, EQUITY, { ...DEFAULT_RISK_LIMITS, maxPositionSizeUsd: Number.NaN })).toThrow(/maxPositionSizeUsd/);
  });
});
