/**
 * Drawdowns. Reference values: test/risk/reference/drawdown.py (numpy: peak = np.maximum.accumulate(v),
 * dd = 1 − v/peak, trough = first argmax(dd), start = last index ≤ trough at that peak, end = first index after the
 * trough back at the peak, longest run of v < peak):
 *   [100, 120, 90, 110, 130, 117, 65, 80, 130, 140, 126]: max 0.5, current 0.09999999999999998, start 4, trough 6,
 *     end 8, longest underwater 3, recovery 2
 *   [100, 100, 80, 90, 95]: max 0.19999999999999996, current 0.050000000000000044, start 1, trough 2, not recovered,
 *     longest 3
 *   SOL daily closes 2024-01-01..2025-12-31: max 0.5976638546398443, current 0.5241821582623964, start 383,
 *     trough 463, not recovered, longest 347; from returns (curve from 1, empyrical) max 0.5976638546398446
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawdowns, drawdownsFromReturns } from '../../src/risk/drawdown.ts';
import { RiskInputError } from '../../src/risk/errors.ts';
import { itShared } from '../helpers/shared-dir.ts';
import { SOL_2024_2025, expectRel, naiveSimple } from './reference/helpers.ts';

describe('drawdowns', () => {
  it('matches numpy on a recovered hand series', () => {
    const d = drawdowns([100, 120, 90, 110, 130, 117, 65, 80, 130, 140, 126]);
    expect(d).toEqual({
      maxDrawdown: 0.5, currentDrawdown: 0.09999999999999998, maxDrawdownStart: 4, maxDrawdownTrough: 6,
      maxDrawdownEnd: 8, maxDurationPeriods: 3, recoveryPeriods: 2,
    });
  });

  it('reports an unrecovered drawdown with null end and recovery, from the last index at the peak', () => {
    const d = drawdowns([100, 100, 80, 90, 95]);
    expectRel(d.maxDrawdown, 0.19999999999999996, 1e-15);
    expectRel(d.currentDrawdown, 0.050000000000000044, 1e-15);
    expect([d.maxDrawdownStart, d.maxDrawdownTrough, d.maxDrawdownEnd, d.recoveryPeriods, d.maxDurationPeriods]).toEqual([1, 2, null, null, 3]);
  });

  itShared('matches numpy on SOL daily closes 2024-2025', () => {
    const d = drawdowns(SOL_2024_2025());
    expectRel(d.maxDrawdown, 0.5976638546398443, 1e-14);
    expectRel(d.currentDrawdown, 0.5241821582623964, 1e-14);
    expect([d.maxDrawdownStart, d.maxDrawdownTrough, d.maxDrawdownEnd, d.maxDurationPeriods, d.recoveryPeriods]).toEqual([383, 463, null, 347, null]);
  });

  itShared('from returns compounds from 1 (empyrical max_drawdown)', () => {
    expectRel(drawdownsFromReturns(naiveSimple(SOL_2024_2025())).maxDrawdown, 0.5976638546398446, 1e-12);
    // A first-period loss counts because the curve starts at 1 before it.
    expect(drawdownsFromReturns([-0.1, 0.05]).maxDrawdown).toBeCloseTo(0.1, 15);
  });

  it('is 0 with null indices for a rising, constant or single-value series', () => {
    const none = { maxDrawdown: 0, currentDrawdown: 0, maxDrawdownStart: null, maxDrawdownTrough: null, maxDrawdownEnd: null, maxDurationPeriods: 0, recoveryPeriods: null };
    expect(drawdowns([1, 2, 3])).toEqual(none);
    expect(drawdowns([5, 5, 5])).toEqual(none);
    expect(drawdowns([42])).toEqual(none);
  });

  // pandas/quantstats: max of an empty drawdown series is NaN (reference/drawdown.py prints it).
  it('is NaN, not 0, for an empty series (values or returns)', () => {
    for (const d of [drawdowns([]), drawdownsFromReturns([])]) {
      expect(d.maxDrawdown).toBeNaN();
      expect(d.currentDrawdown).toBeNaN();
      expect([d.maxDrawdownStart, d.maxDrawdownEnd, d.recoveryPeriods]).toEqual([null, null, null]);
    }
  });

  it('reaches 1 for a wipe-out and rejects NaN, negative or non-positive first values', () => {
    expect(drawdowns([100, 50, 0]).maxDrawdown).toBe(1);
    expect(() => drawdowns([100, Number.NaN])).toThrow(/value 1 is NaN/);
    expect(() => drawdowns([100, -1])).toThrow(RiskInputError);
    expect(() => drawdowns([0, 1])).toThrow(/value 0 is 0/);
    expect(() => drawdownsFromReturns([0.1, -1.5])).toThrow(RiskInputError);
  });

  it('keeps every drawdown in [0, 1], current ≤ max, and is scale-invariant', () => {
    fc.assert(fc.property(
      fc.array(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
      fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
      (v, k) => {
        const d = drawdowns(v);
        expect(d.maxDrawdown).toBeGreaterThanOrEqual(0);
        expect(d.maxDrawdown).toBeLessThanOrEqual(1);
        expect(d.currentDrawdown).toBeLessThanOrEqual(d.maxDrawdown);
        expect(d.maxDurationPeriods).toBeLessThan(v.length);
        expect(drawdowns(v.map((x) => x * k)).maxDrawdown).toBeCloseTo(d.maxDrawdown, 12);
        if (d.maxDrawdownTrough !== null && d.maxDrawdownStart !== null) {
          expect(d.maxDrawdownStart).toBeLessThan(d.maxDrawdownTrough);
          expectRel(1 - (v[d.maxDrawdownTrough] as number) / (v[d.maxDrawdownStart] as number), d.maxDrawdown, 1e-12);
        }
      },
    ));
  });
});
