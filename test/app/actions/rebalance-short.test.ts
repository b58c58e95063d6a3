/**
 * planRebalance with a negative target weight (a long-short optimum): the short goes on the asset's perp, never a
 * negative spot amount. Weights are signed shares of gross exposure, Σ|w| = 1 (optimiser weights w / Σ|w|).
 *
 * Open (book O): 10,000 USDC, 10 SOL ($1,000), 1 ETH ($2,000), 0.02 BTC ($1,000): G = 4,000. The long-short optimum
 *   ETH 100%, BTC 25%, SOL −25% of capital (gross 150%) is, as shares of gross, ETH 2/3, BTC 1/6, SOL −1/6. Every
 *   line is off by more than 5 points (SOL long .25 → 0, SOL short 0 → 1/6, ETH .5 → 2/3, BTC .25 → 1/6), so
 *   G' = G = 4,000: sell 0.00666667 BTC ($333.33) and the 10 spot SOL, short 6.67 SOL-PERP ($666.67 on its 0.01
 *   step, not reduce-only), buy 0.33333333 ETH ($666.67). After: net exposure SOL −667, ETH 2,666.67, BTC 666.67.
 * Cover (book C): 2 ETH ($4,000), SOL-PERP short 20 ($2,000): G = 6,000, SOL short 1/3. Target ETH 5/6, SOL −1/6:
 *   buy back 10 SOL-PERP (reduce-only) and buy 0.5 ETH.
 * Long target over a short (signed): worked out in its test.
 */
import { describe, expect, it } from 'vitest';
import { applyLegs, grossExposures, netDeltas } from '../../../src/app/actions/book.ts';
import { planRebalance } from '../../../src/app/actions/rebalance.ts';
import { bookOf, sizeOf } from './fixtures.ts';

describe('planRebalance: a negative weight is a perp short', () => {
  it('sells the spot, opens the short on SOL-PERP and lands on the signed weights', async () => {
    const b = await bookOf({
      spot: [{ asset: 'USDC', amount: '10000' }, { asset: 'SOL', amount: '10' }, { asset: 'ETH', amount: '1' }, { asset: 'BTC', amount: '0.02' }],
    });
    const weights = { ETH: 2 / 3, BTC: 1 / 6, SOL: -1 / 6 };
    const plan = planRebalance({ model: b.model, markets: b.markets, weights, threshold: 0.05, minTradeUsd: 10 });
    expect(plan.grossAfter).toBeCloseTo(4000, 6);
    expect(plan.legs.map((l) => [l.market, l.kind, l.side, l.reduceOnly])).toEqual([
      ['BTC', 'spot', 'sell', true],
      ['SOL', 'spot', 'sell', true],
      ['SOL-PERP', 'perp', 'sell', false],
      ['ETH', 'spot', 'buy', false],
    ]);
    const [btc, sol, short, eth] = plan.legs;
    expect(sizeOf(btc!)).toBeCloseTo(0.00666667, 8);
    expect(sizeOf(sol!)).toBe(10);
    expect(sizeOf(short!)).toBe(6.67); // SOL-PERP trades in steps of 0.01
    expect(sizeOf(eth!)).toBeCloseTo(0.33333333, 8);
    expect(Object.fromEntries(plan.rows.map((r) => [r.asset, [r.target, r.drifted]]))).toEqual({
      BTC: [1 / 6, true], ETH: [2 / 3, true], SOL: [0, true], 'SOL short': [1 / 6, true],
    });
    expect(plan.rows.find((r) => r.asset === 'SOL short')!.tradeUsd).toBeCloseTo(-4000 / 6, 6);
    expect(plan.notes).toEqual([]);

    const after = applyLegs(b.model, plan.legs, b.markets);
    const net = netDeltas(after);
    const gross = Object.values(grossExposures(after)).reduce((s, v) => s + v, 0);
    expect(gross).toBeCloseTo(4000.33, 2);
    expect(net.SOL).toBeCloseTo(-667, 6);
    expect(net.ETH! / gross).toBeCloseTo(2 / 3, 3);
    expect(net.BTC! / gross).toBeCloseTo(1 / 6, 3);
    // No spot balance went below zero: the short is the perp's.
    for (const a of after.accounts) for (const s of a.spot) expect(s.units, s.asset).toBeGreaterThanOrEqual(-1e-9);
  });

  it('buys back an oversized short reduce-only', async () => {
    const b = await bookOf({
      spot: [{ asset: 'USDC', amount: '10000' }, { asset: 'ETH', amount: '2' }],
      perps: [{ market: 'SOL-PERP', size: '-20', entryPrice: 100 }],
    });
    const plan = planRebalance({ model: b.model, markets: b.markets, weights: { ETH: 5 / 6, SOL: -1 / 6 }, threshold: 0.05, minTradeUsd: 10 });
    expect(plan.grossBefore).toBeCloseTo(6000, 6);
    expect(plan.legs.map((l) => [l.market, l.side, l.reduceOnly, sizeOf(l)])).toEqual([
      ['SOL-PERP', 'buy', true, 10],
      ['ETH', 'buy', false, 0.5],
    ]);
    const net = netDeltas(applyLegs(b.model, plan.legs, b.markets));
    expect(net.SOL).toBeCloseTo(-1000, 6);
    expect(net.ETH).toBeCloseTo(5000, 6);
  });

  it('long-short (signed): a short perp under a long target is bought back, not counted as exposure to sell', async () => {
    // 10,000 USDC, 1 ETH ($2,000), 20 SOL ($2,000), SOL-PERP short 10 ($1,000): G = 5,000. Target ETH 1/2, SOL 1/2.
    const b = await bookOf({
      spot: [{ asset: 'USDC', amount: '10000' }, { asset: 'ETH', amount: '1' }, { asset: 'SOL', amount: '20' }],
      perps: [{ market: 'SOL-PERP', size: '-10', entryPrice: 100 }],
    });
    const weights = { ETH: 0.5, SOL: 0.5 };
    // Signed: SOL long .4 → .5, SOL short .2 → 0, ETH .4 → .5, all traded at G' = 5,000: buy back the 10 SOL-PERP
    // (reduce-only), buy 0.25 ETH and 5 SOL. Net SOL after: 25 × $100 = $2,500 = ETH's.
    const signed = planRebalance({ model: b.model, markets: b.markets, weights, threshold: 0.05, minTradeUsd: 10, signed: true });
    expect(signed.legs.map((l) => [l.market, l.side, l.reduceOnly, sizeOf(l)])).toEqual([
      ['SOL-PERP', 'buy', true, 10], ['ETH', 'buy', false, 0.25], ['SOL', 'buy', false, 5],
    ]);
    const net = netDeltas(applyLegs(b.model, signed.legs, b.markets));
    expect(net.SOL).toBeCloseTo(2500, 6);
    expect(net.ETH).toBeCloseTo(2500, 6);
    // Long-only weights count the short as SOL exposure (3,000 of 5,000): 500 of spot SOL is sold instead.
    const gross = planRebalance({ model: b.model, markets: b.markets, weights, threshold: 0.05, minTradeUsd: 10 });
    expect(gross.legs.map((l) => [l.market, l.side, l.reduceOnly, sizeOf(l)])).toEqual([['SOL', 'sell', true, 5], ['ETH', 'buy', false, 0.25]]);
  });

  it('leaves a short inside the threshold alone', async () => {
    const b = await bookOf({
      spot: [{ asset: 'USDC', amount: '10000' }, { asset: 'ETH', amount: '2' }],
      perps: [{ market: 'SOL-PERP', size: '-10', entryPrice: 100 }],
    });
    // G = 5,000: SOL short 1/5 against a 0.18 target, ETH 4/5 against 0.82: both within 5 points.
    const plan = planRebalance({ model: b.model, markets: b.markets, weights: { ETH: 0.82, SOL: -0.18 }, threshold: 0.05, minTradeUsd: 10 });
    expect(plan.legs).toEqual([]);
    expect(plan.rows.filter((r) => r.drifted)).toEqual([]);
  });
});
