/**
 * planProtect and planTrims (src/app/actions/protect.ts). Drift health = round(100 × (1 − maintenance requirement /
 * maintenance collateral)); SOL-PERP and ETH-PERP maintenance ratio 3%, initial 5%, taker fee 3.5 bps; SOL-PERP impact
 * 5 bps per $1M, ETH-PERP 4. A cut of n USD costs collateral n × 3.5e-4 (fee) + n × (impact × n/1e6)/1e4 (impact, into
 * the perp's entry value).
 *
 * Book P1: 1,000 USDC, SOL-PERP long 150 @ $100 ($15,000): requirement 0.03 × 15,000 = 450 → health 100 × (1 − 450/
 *   1,000) = 55. Target 80: keep u SOL with 3u / (1,000 − costs) ≤ 0.205 (79.5 rounds to 80). Cutting c = 81.87 SOL
 *   ($8,187: fee $2.8655, impact 0.0409 bps → $0.0335) leaves 68.13 → 3 × 68.13 = 204.39 over 997.10 = 0.20498 →
 *   health 80; 81.86 leaves 68.14 → 0.20501 → 79.499 → 79. So: sell 81.87 SOL-PERP, reduce-only.
 * Book P2: 1,000 USDC, SOL-PERP long 100 ($10,000; req 300), ETH-PERP long 2 ($4,000; req 120) → 100 × (1 − 420/1,000)
 *   = 58. Target 80.
 *   ETH first (contribution 500 vs 100): closing all 2 ETH (fee $1.40, impact $0.0064) leaves 300 / 998.59 → 70 < 80,
 *   so ETH closes entirely, then SOL: cut 31.84 → 3 × 68.16 = 204.48 over 998.5936 − 1.1144 − 0.0051 = 997.474 →
 *   0.2049978 → 79.5002 → 80 (31.83 → 204.51 / 997.474 → 79.497 → 79).
 *   SOL first (contribution 500 vs 100, or no contributions: SOL is the larger exposure): SOL alone, cut 71.85 →
 *   3 × 28.15 + 120 = 204.45 over 1,000 − 2.5148 − 0.0258 = 997.459 → 79.503 → 80 (71.84 → 79.4997 → 79).
 * Book N: 6,000 USDC, SOL borrowed 50 ($5,000 × 1.1 = 5,500 requirement), SOL-PERP long 10 (req 30) → health
 *   100 × (1 − 5,530/6,000) = 8. Closing the perp leaves 5,500 / 5,999.65 → 8: target 50 cannot be reached.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyLegs, bookMetrics, equityOf, historicalVarUsd, priceOf, type ScenarioReturns } from '../../../src/app/actions/book.ts';
import { planProtect, planTrims, reduciblePositions } from '../../../src/app/actions/protect.ts';
import type { PlanLeg, RiskLimits } from '../../../src/domain/index.ts';
import { DEFAULT_RISK_LIMITS } from '../../../src/domain/limits.ts';
import { marginAt } from '../../../src/risk/margin.ts';
import { bookOf, marketOf, oneStepLess, type Book } from './fixtures.ts';

const healthAfter = (b: Book, legs: readonly PlanLeg[]): number => marginAt(applyLegs(b.model, legs, b.markets).accounts[0]!, b.model.prices).health;
const health = (b: Book): number => marginAt(b.model.accounts[0]!, b.model.prices).health;

/** Cutting the last leg by one step (or dropping it when that is under the minimum) falls short of the target. */
function expectMinimal(b: Book, legs: readonly PlanLeg[], target: number): void {
  const last = legs.at(-1)!;
  const smaller = oneStepLess(b.model, last, marketOf(b.markets, last.market));
  expect(healthAfter(b, smaller ? [...legs.slice(0, -1), smaller] : legs.slice(0, -1))).toBeLessThan(target);
}

const P2 = { spot: [{ asset: 'USDC' as const, amount: '1000' }], perps: [{ market: 'SOL-PERP', size: '100', entryPrice: 100 }, { market: 'ETH-PERP', size: '2', entryPrice: 2000 }] };

describe('planProtect on hand-computed books', () => {
  it('cuts one position just far enough: 55 → 80 needs 81.87 of 150 SOL', async () => {
    const b = await bookOf({ spot: [{ asset: 'USDC', amount: '1000' }], perps: [{ market: 'SOL-PERP', size: '150', entryPrice: 100 }] });
    expect(health(b)).toBe(55); // 100 × (1 − 450/1,000)
    const plan = planProtect({ model: b.model, markets: b.markets, targetHealth: 80, contributions: new Map() });
    expect(plan.reached).toBe(true);
    expect(plan.notes).toEqual([]);
    expect(plan.legs.map((l) => [l.market, l.side, l.size.raw, l.reduceOnly])).toEqual([['SOL-PERP', 'sell', 81_870_000_000n, true]]);
    expect(healthAfter(b, plan.legs)).toBe(80);
    expectMinimal(b, plan.legs, 80); // 81.86 → 79
  });

  it('touches the largest tail contribution first, and the next only after closing it entirely', async () => {
    const b = await bookOf(P2);
    expect(health(b)).toBe(58); // 100 × (1 − 420/1,000)
    const ethFirst = planProtect({ model: b.model, markets: b.markets, targetHealth: 80, contributions: new Map([['paper:perp:ETH-PERP', 500], ['paper:perp:SOL-PERP', 100]]) });
    expect(ethFirst.reached).toBe(true);
    expect(ethFirst.legs.map((l) => [l.market, l.side, l.size.raw, l.reduceOnly])).toEqual([
      ['ETH-PERP', 'sell', 2_000_000_000n, true], // all of it: closing it alone leaves health 70
      ['SOL-PERP', 'sell', 31_840_000_000n, true],
    ]);
    expect(healthAfter(b, ethFirst.legs.slice(0, 1))).toBe(70);
    expect(healthAfter(b, ethFirst.legs)).toBeGreaterThanOrEqual(80);
    expectMinimal(b, ethFirst.legs, 80);

    const solFirst = planProtect({ model: b.model, markets: b.markets, targetHealth: 80, contributions: new Map([['paper:perp:ETH-PERP', 100], ['paper:perp:SOL-PERP', 500]]) });
    expect(solFirst.legs.map((l) => [l.market, l.size.raw])).toEqual([['SOL-PERP', 71_850_000_000n]]);
    expectMinimal(b, solFirst.legs, 80);
    // Without contributions the larger exposure goes first: the same plan.
    expect(planProtect({ model: b.model, markets: b.markets, targetHealth: 80, contributions: new Map() }).legs).toEqual(solFirst.legs);
  });

  it('leaves a healthy account alone', async () => {
    const b = await bookOf(P2);
    expect(planProtect({ model: b.model, markets: b.markets, targetHealth: 58, contributions: new Map() })).toEqual({ legs: [], notes: [], reached: true });
  });

  it('says so when even closing everything is not enough (a spot borrow)', async () => {
    const b = await bookOf({ spot: [{ asset: 'USDC', amount: '6000' }, { asset: 'SOL', amount: '-50' }], perps: [{ market: 'SOL-PERP', size: '10', entryPrice: 100 }] });
    expect(health(b)).toBe(8); // 100 × (1 − (5,500 + 30)/6,000)
    const plan = planProtect({ model: b.model, markets: b.markets, targetHealth: 50, contributions: new Map() });
    expect(plan.reached).toBe(false);
    expect(plan.legs.map((l) => [l.market, l.side, l.size.raw, l.reduceOnly])).toEqual([['SOL-PERP', 'sell', 10_000_000_000n, true]]);
    expect(plan.notes).toEqual(['Even closing every position that can be reduced leaves paper health at 8: add collateral to reach 50.']);
  });
});

describe('planProtect property', () => {
  const perpArb = (max: number) => fc.option(fc.integer({ min: -max, max }).filter((x) => x !== 0), { nil: undefined });
  it('reaches the target with reduce-only cuts in contribution order, each earlier one a full close, the last minimal (≥ 50 runs)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 500, max: 5_000 }), fc.integer({ min: 0, max: 50 }),
      fc.record({ SOL: perpArb(400), ETH: perpArb(20), BTC: perpArb(1) }),
      fc.integer({ min: 20, max: 95 }),
      fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 4, maxLength: 4 }),
      async (usdc, sol, perps, target, contrib) => {
        const price = { SOL: 100, ETH: 2_000, BTC: 50_000 } as const;
        const b = await bookOf({
          spot: [{ asset: 'USDC', amount: String(usdc) }, ...(sol > 0 ? [{ asset: 'SOL' as const, amount: String(sol) }] : [])],
          perps: (['SOL', 'ETH', 'BTC'] as const).filter((a) => perps[a] !== undefined).map((a) => ({ market: `${a}-PERP`, size: String(perps[a]), entryPrice: price[a] })),
        });
        const positions = reduciblePositions(b.model, b.markets);
        const contributions = new Map(positions.map((p, i) => [p.id, contrib[i]!]));
        const plan = planProtect({ model: b.model, markets: b.markets, targetHealth: target, contributions });
        if (health(b) >= target) {
          expect(plan).toEqual({ legs: [], notes: [], reached: true });
          return;
        }
        const byLeg = plan.legs.map((l) => positions.find((p) => p.market === marketOf(b.markets, l.market))!);
        expect(new Set(byLeg.map((p) => p.id)).size).toBe(plan.legs.length); // one leg per position
        plan.legs.forEach((l, i) => {
          const p = byLeg[i]!;
          expect(l.reduceOnly).toBe(true);
          expect(l.side).toBe(p.units > 0 ? 'sell' : 'buy'); // toward zero, never a flip
          expect(l.size.raw <= p.heldRaw).toBe(true);
          expect(l.size.raw % p.market.stepRaw).toBe(0n);
          if (i > 0) {
            const prev = byLeg[i - 1]!;
            const c = (x: typeof p): number => contributions.get(x.id) ?? 0;
            const usdOf = (x: typeof p): number => Math.abs(x.units * priceOf(b.model, x.market.asset));
            expect(c(prev) > c(p) || (c(prev) === c(p) && usdOf(prev) >= usdOf(p))).toBe(true);
          }
          // Every leg but the last closes its position (to the step).
          if (i < plan.legs.length - 1) expect(p.heldRaw - l.size.raw < p.market.stepRaw).toBe(true);
        });
        const h = healthAfter(b, plan.legs);
        if (plan.reached) {
          expect(h).toBeGreaterThanOrEqual(target);
          expectMinimal(b, plan.legs, target);
        } else {
          expect(h).toBeLessThan(target);
          expect(plan.legs).toHaveLength(positions.length);
          expect(plan.notes.join('\n')).toMatch(/Even closing every position/);
        }
      },
    ), { numRuns: 60 });
  });
});

const LOOSE: RiskLimits = { ...DEFAULT_RISK_LIMITS, maxPositionSizeUsd: 1e12, maxPositionSizePercent: 100, maxPortfolioLeverage: 100, maxVar1dPercent: 1 };

/** Exposure of every position a trim can cut, USD, after the legs. */
function exposuresAfter(b: Book, legs: readonly PlanLeg[]): { after: ReturnType<typeof applyLegs>; exposures: number[] } {
  const after = applyLegs(b.model, legs, b.markets);
  return { after, exposures: reduciblePositions(after, b.markets).map((p) => Math.abs(p.units * priceOf(after, p.market.asset))) };
}

describe('planTrims', () => {
  it('cuts to the concentration cap, then pro rata to the leverage limit (custom limits)', async () => {
    // 10,000 USDC; SOL-PERP long 400 ($40,000); ETH-PERP short 7.5 ($15,000): leverage 5.5.
    // Cap min($20,000, 10 × equity) × 0.99 = $19,800 → SOL to $19,800. Gross 34,800 > 3 × 10,000 × 0.99 = 29,700 →
    // both × 29,700/34,800 = 0.85345: SOL ≈ $16,898, ETH ≈ $12,802 (cuts rounded up to the step).
    const b = await bookOf({ spot: [{ asset: 'USDC', amount: '10000' }], perps: [{ market: 'SOL-PERP', size: '400', entryPrice: 100 }, { market: 'ETH-PERP', size: '-7.5', entryPrice: 2000 }] });
    const limits: RiskLimits = { ...LOOSE, maxPositionSizeUsd: 20_000, maxPositionSizePercent: 10, maxPortfolioLeverage: 3 };
    expect(bookMetrics(b.model).leverage).toBeCloseTo(5.5, 9);
    const plan = planTrims({ model: b.model, markets: b.markets, limits });
    expect(plan.legs.map((l) => [l.market, l.side, l.reduceOnly])).toEqual([['SOL-PERP', 'sell', true], ['ETH-PERP', 'buy', true]]);
    expect(plan.notes).toEqual(['SOL-PERP: cut to $19,800.00 (concentration limit).', 'Every position cut by 14.7% for the 3x leverage limit.']);
    const { after, exposures } = exposuresAfter(b, plan.legs);
    const eq = equityOf(after);
    for (const e of exposures) expect(e).toBeLessThanOrEqual(Math.min(limits.maxPositionSizeUsd, limits.maxPositionSizePercent * eq) * (1 + 1e-9));
    expect(bookMetrics(after).leverage).toBeLessThanOrEqual(3 + 1e-9);
    // Not over-cut: SOL keeps 19,800 × 0.85345 = $16,898 less at most one 0.01 step ($1).
    expect(exposures[0]).toBeGreaterThan(16_898 - 1.5);
    expect(exposures[1]).toBeGreaterThan(12_802 - 2.5); // ETH step 0.001 = $2
  });

  it('brings every position under DEFAULT_RISK_LIMITS’ concentration cap (USD and share of equity)', async () => {
    // 100,000 USDC + 500 SOL ($50,000) + 0.2 BTC ($10,000); SOL-PERP long 600 ($60,000): equity $160,000.
    // Cap min($50,000, 30% × 160,000 = $48,000) × 0.99 = $47,520: the perp and the spot SOL are cut to it.
    const b = await bookOf({ spot: [{ asset: 'USDC', amount: '100000' }, { asset: 'SOL', amount: '500' }, { asset: 'BTC', amount: '0.2' }], perps: [{ market: 'SOL-PERP', size: '600', entryPrice: 100 }] });
    const plan = planTrims({ model: b.model, markets: b.markets, limits: DEFAULT_RISK_LIMITS });
    expect(plan.legs.map((l) => [l.market, l.side, l.reduceOnly])).toEqual([['SOL-PERP', 'sell', true], ['SOL', 'sell', true]]);
    const { after, exposures } = exposuresAfter(b, plan.legs);
    const cap = Math.min(DEFAULT_RISK_LIMITS.maxPositionSizeUsd, DEFAULT_RISK_LIMITS.maxPositionSizePercent * equityOf(after));
    for (const e of exposures) expect(e).toBeLessThanOrEqual(cap);
    expect(bookMetrics(after).leverage).toBeLessThanOrEqual(DEFAULT_RISK_LIMITS.maxPortfolioLeverage);
  });

  it('scales positions until the 1-day VaR is under its limit', async () => {
    // SOL-PERP long 100 ($10,000) on $10,000 USDC; daily SOL returns with a −12% / −9% tail: VaR95 ≈ $1,000 > 5%.
    const b = await bookOf({ spot: [{ asset: 'USDC', amount: '10000' }], perps: [{ market: 'SOL-PERP', size: '100', entryPrice: 100 }] });
    const returns = [-0.12, 0.03, -0.09, 0.01, 0.02, -0.01, 0.04, -0.03, 0.0, 0.05, -0.02, 0.01, 0.03, -0.04, 0.02, 0.01, -0.05, 0.06, 0.0, 0.02];
    const scenarios: ScenarioReturns = { assets: ['SOL'], returns: [returns] };
    const limits: RiskLimits = { ...LOOSE, maxVar1dPercent: 0.05 };
    expect(historicalVarUsd(b.model, scenarios)).toBeGreaterThan(0.05 * equityOf(b.model));
    const plan = planTrims({ model: b.model, markets: b.markets, limits, scenarios });
    expect(plan.legs.every((l) => l.reduceOnly && l.side === 'sell' && l.market === 'SOL-PERP')).toBe(true);
    expect(plan.notes).toEqual(['Positions scaled down to bring 1-day VaR under 5.0% of equity.']);
    const after = applyLegs(b.model, plan.legs, b.markets);
    expect(historicalVarUsd(after, scenarios)).toBeLessThanOrEqual(0.05 * equityOf(after));
  });

  it('trims nothing inside the limits, and refuses to size trims on non-positive equity', async () => {
    const ok = await bookOf({ spot: [{ asset: 'USDC', amount: '10000' }], perps: [{ market: 'SOL-PERP', size: '10', entryPrice: 100 }] });
    expect(planTrims({ model: ok.model, markets: ok.markets, limits: DEFAULT_RISK_LIMITS })).toEqual({ legs: [], notes: [] });
    const broke = await bookOf({ spot: [{ asset: 'USDC', amount: '1000' }], perps: [{ market: 'SOL-PERP', size: '100', entryPrice: 120 }] });
    expect(equityOf(broke.model)).toBeCloseTo(-1000, 6); // 1,000 + 100 × (100 − 120)
    expect(planTrims({ model: broke.model, markets: broke.markets, limits: DEFAULT_RISK_LIMITS })).toEqual({ legs: [], notes: ['Equity is not positive: trims cannot be sized; add collateral.'] });
  });
});
