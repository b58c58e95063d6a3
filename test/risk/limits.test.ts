/** Concentration and correlation exposure: the two book-shape figures the limits and alerts read. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concentration, correlationExposure } from '../../src/risk/limits.ts';

describe('concentration = exposure / max(gross, equity)', () => {
  it('is the share of gross exposure at 1x or more, diluted by cash below 1x', () => {
    // Leveraged: gross 13,000 > equity 9,100 → 10,000 / 13,000.
    expect(concentration(10_000, 13_000, 9_100)).toBeCloseTo(0.7692307692307693, 15);
    // Mostly cash: gross 1,000 < equity 11,000 → 1,000 / 11,000.
    expect(concentration(1_000, 1_000, 11_000)).toBeCloseTo(0.09090909090909091, 15);
    // A short counts by its size.
    expect(concentration(-630, 10_630, 2_000)).toBeCloseTo(630 / 10_630, 15);
    expect(concentration(5, 0, 0)).toBe(0);
  });

  it('stays within [0, 1] for any position that is part of the gross', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.double({ min: 0, max: 1e9, noNaN: true }), fc.double({ min: 0, max: 1e9, noNaN: true }),
      (e, rest, equity) => {
        const c = concentration(e, e + rest, equity);
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThanOrEqual(1);
      }));
  });
});

describe('correlationExposure: signed co-movement of the positions', () => {
  const corr = [[1, 0.8, 0.5], [0.8, 1, 0.2], [0.5, 0.2, 1]];

  it('hand-computed: all long is the |w|-weighted average correlation', () => {
    // w = (2, 1, 1): pairs (0,1) 2·0.8, (0,2) 2·0.5, (1,2) 1·0.2, each twice → num 2·(1.6 + 1 + 0.2) = 5.6, den 2·(2 + 2 + 1) = 10.
    expect(correlationExposure([2, 1, 1], corr)).toBeCloseTo(0.56, 15);
  });

  it('a long against a short of correlated assets is a hedge, not a correlated book', () => {
    // w = (1, −1): num 2·(−1)·0.8, den 2·1 → −0.8.
    expect(correlationExposure([1, -1], [[1, 0.8], [0.8, 1]])).toBeCloseTo(-0.8, 15);
    // w = (2, −1, 1): (0,1) −2·0.8, (0,2) +2·0.5, (1,2) −1·0.2 → num 2·(−1.6 + 1 − 0.2) = −1.6, den 10 → −0.16.
    expect(correlationExposure([2, -1, 1], corr)).toBeCloseTo(-0.16, 15);
    expect(correlationExposure([5], [[1]])).toBe(0);
  });

  it('flipping every sign changes nothing, and it stays within [−1, 1]', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 3 }), (w) => {
      const a = correlationExposure(w, corr);
      expect(correlationExposure(w.map((x) => -x), corr)).toBeCloseTo(a, 12);
      expect(Math.abs(a)).toBeLessThanOrEqual(1 + 1e-12);
    }));
  });
});
