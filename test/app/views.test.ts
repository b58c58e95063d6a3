/** The weight definitions of views.ts: long-only (gross) and long-short (signed), each computed in one place. */
import { describe, expect, it } from 'vitest';
import { assetExposures, grossWeights, signedExposures, signedWeights } from '../../src/app/views.ts';
import { perp, spot } from './alerts/fixtures.ts';

// SOL: 10 spot @ 100 ($1,000) + SOL-PERP short 5 ($500); ETH-PERP long 1 @ 2,000; USDC 3,000.
const POSITIONS = [
  spot('SOL', { amount: 10, mark: 100 }), perp('SOL-PERP', 'SOL', { base: -5, mark: 100, liq: null }),
  perp('ETH-PERP', 'ETH', { base: 1, mark: 2000, liq: null }), spot('USDC', { amount: 3000, mark: 1 }),
];

describe('weights', () => {
  it('long-only: each asset’s gross exposure over the risky book’s (cash left out unless asked)', () => {
    const ex = assetExposures(POSITIONS);
    expect([...ex]).toEqual([['SOL', 1500], ['ETH', 2000]]);
    // 1,500 / 3,500 and 2,000 / 3,500.
    const w = grossWeights(ex, ['ETH', 'SOL']);
    expect(w[0]).toBeCloseTo(2000 / 3500, 15);
    expect(w[1]).toBeCloseTo(1500 / 3500, 15);
    expect(assetExposures(POSITIONS, true).get('USDC')).toBe(3000);
    expect(grossWeights(new Map(), ['SOL'])).toEqual([0]);
  });

  it('long-short: net exposure over the book’s net — the short perp counts against its spot', () => {
    // SOL net 1,000 − 500 = 500, ETH 2,000 → 500 / 2,500 = 20%, 80%.
    const w = signedWeights(signedExposures(POSITIONS), ['ETH', 'SOL']);
    expect(w[0]).toBeCloseTo(0.8, 15);
    expect(w[1]).toBeCloseTo(0.2, 15);
  });
});
