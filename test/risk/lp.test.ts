/**
 * DLMM bin math. Independent values (python: (1 + 20/1e4)**k):
 *   binPrice(2415, 20) = 1.002**2415 = 124.6084511572518;  binPrice(-100, 100) = 1.01**-100 = 0.3697112123291189
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binIdAt, binPrice, composition, impermanentLoss, lpDelta, lpValueAt, quoteShare } from '../../src/risk/lp.ts';

describe('DLMM bin math', () => {
  it('prices bins as (1 + binStep/10000)^binId', () => {
    expect(binPrice(0, 20)).toBe(1);
    expect(binPrice(2415, 20)).toBeCloseTo(124.6084511572518, 9);
    expect(binPrice(-100, 100)).toBeCloseTo(0.3697112123291189, 12);
  });

  it('finds the bin containing a price, edges included', () => {
    fc.assert(fc.property(fc.double({ min: 1e-9, max: 1e6, noNaN: true }), fc.constantFrom(1, 10, 20, 50, 100, 250), (price, step) => {
      const id = binIdAt(price, step);
      expect(binPrice(id, step)).toBeLessThanOrEqual(price);
      expect(binPrice(id + 1, step)).toBeGreaterThan(price);
    }));
    expect(binIdAt(binPrice(37, 20), 20)).toBe(37);
  });

  it('splits liquidity: all quote below the price, all base above, log-linear inside the active bin', () => {
    expect(quoteShare(10, 20, binPrice(12, 20))).toBe(1);
    expect(quoteShare(10, 20, binPrice(9, 20))).toBe(0);
    const mid = Math.sqrt(binPrice(10, 20) * binPrice(11, 20));
    expect(quoteShare(10, 20, mid)).toBeCloseTo(0.5, 12);
  });

  const bins = Array.from({ length: 21 }, (_, i) => ({ binId: 2405 + i, liquidity: 100 }));

  it('values a position continuously in price and holds base only below its range', () => {
    const lo = binPrice(2405, 20);
    const hi = binPrice(2426, 20);
    const below = composition(bins, 20, lo * 0.9);
    expect(below.quote).toBe(0);
    const above = composition(bins, 20, hi * 1.1);
    expect(above.base).toBe(0);
    expect(above.quote).toBeCloseTo(2100, 9);
    // Continuity across a bin edge.
    const edge = binPrice(2415, 20);
    expect(lpValueAt(bins, 20, edge * (1 - 1e-12))).toBeCloseTo(lpValueAt(bins, 20, edge * (1 + 1e-12)), 6);
    expect(lpDelta(bins, 20, lo * 0.5)).toBeCloseTo(below.base, 12);
  });

  it('never beats holding (impermanent loss ≤ 0), and is 0 at the entry price', () => {
    expect(impermanentLoss(bins, 20, 124, 124)).toBeCloseTo(0, 12);
    fc.assert(fc.property(fc.double({ min: 60, max: 250, noNaN: true }), fc.double({ min: 60, max: 250, noNaN: true }), (entry, price) => {
      expect(impermanentLoss(bins, 20, entry, price)).toBeLessThanOrEqual(1e-12);
    }));
  });

  it('has a delta that falls as the price rises (the LP sells base into rallies)', () => {
    fc.assert(fc.property(fc.double({ min: 100, max: 150, noNaN: true }), fc.double({ min: 0.0001, max: 0.2, noNaN: true }), (p, bump) => {
      expect(lpDelta(bins, 20, p * (1 + bump))).toBeLessThanOrEqual(lpDelta(bins, 20, p) + 1e-9);
    }));
  });
});
