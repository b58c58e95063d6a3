/**
 * legFor's sizing (src/app/actions/book.ts): exact base units on the market's step, in the rounding mode asked for.
 *   BTC spot: 8 decimals, step 1 raw unit, minimum 10,000 raw (0.0001 BTC). 0.175374255 BTC = 17,537,425.5 raw:
 *     down → 17,537,425; up → 17,537,426; nearest → 17,537,426 (half rounds up).
 *   SOL-PERP: 9 decimals, step 10,000,000 raw (0.01 SOL). (1 − 0.297) × 100 = 70.30000000000001 in floats: float noise,
 *     not a size: up → 70.30, not 70.31. 70.301 up → 70.31; 70.309 down → 70.30; 70.305 nearest → 70.31.
 */
import { describe, expect, it } from 'vitest';
import { legFor } from '../../../src/app/actions/book.ts';
import { bookOf, marketOf } from './fixtures.ts';

describe('legFor', () => {
  it('rounds in the mode asked for, below one base unit too', async () => {
    const { markets } = await bookOf({});
    const btc = marketOf(markets, 'BTC');
    const raw = (units: number, round: 'down' | 'up' | 'nearest') => legFor(btc, units, 50_000, { reduceOnly: false, round })?.size.raw;
    expect(raw(0.175374255, 'down')).toBe(17_537_425n);
    expect(raw(0.175374255, 'up')).toBe(17_537_426n);
    expect(raw(0.175374255, 'nearest')).toBe(17_537_426n);
    expect(raw(0.00009999, 'nearest')).toBeUndefined(); // 9,999 raw: under the 10,000 minimum
    expect(raw(0.0001, 'down')).toBe(10_000n);
  });

  it('rounds to the step, treats float noise as the integer it is, and caps at maxRaw (down to the step)', async () => {
    const { markets } = await bookOf({});
    const sol = marketOf(markets, 'SOL-PERP');
    const raw = (units: number, round: 'down' | 'up' | 'nearest', maxRaw?: bigint) =>
      legFor(sol, units, 100, { reduceOnly: true, round, ...(maxRaw !== undefined ? { maxRaw } : {}) })?.size.raw;
    expect((1 - 0.297) * 100).not.toBe(70.3);
    expect(raw(-(1 - 0.297) * 100, 'up')).toBe(70_300_000_000n);
    expect(raw(-70.301, 'up')).toBe(70_310_000_000n);
    expect(raw(-70.309, 'down')).toBe(70_300_000_000n);
    expect(raw(-70.305, 'nearest')).toBe(70_310_000_000n);
    expect(raw(-70.309, 'up', 70_305_000_000n)).toBe(70_300_000_000n); // capped, then down to the step
    expect(raw(-0.004, 'nearest')).toBeUndefined(); // rounds to 0
  });
});
