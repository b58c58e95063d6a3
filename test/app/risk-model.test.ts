/**
 * The float risk model built from a Portfolio must agree with the paper ledger's exact integer margin maths, and stress
 * results must match hand computation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRiskModel } from '../../src/app/risk-model.ts';
import { liquidationPriceOf, marginAt } from '../../src/risk/margin.ts';
import { instrumentValue } from '../../src/risk/portfolio-model.ts';
import { assetShocks, runStress, uniformShock } from '../../src/risk/stress.ts';
import type { StartingPortfolio } from '../../src/venues/paper/portfolio-file.ts';
import { ROUND_PRICES, testApp } from '../helpers/app.ts';

const BOOK: StartingPortfolio = {
  spot: [{ asset: 'USDC', amount: '10000' }, { asset: 'SOL', amount: '10', entryPrice: 90 }],
  perps: [{ market: 'SOL-PERP', size: '100', entryPrice: 120 }, { market: 'ETH-PERP', size: '-1', entryPrice: 2100 }],
  lp: [{ pool: 'SOL/USDC', valueUsd: '1000', rangePct: 0.05 }],
};

async function model(portfolio: StartingPortfolio = BOOK) {
  const { app, venue } = testApp({ portfolio, prices: ROUND_PRICES });
  const p = await app.services.portfolio.refresh();
  return { m: buildRiskModel(p), p, venue };
}

describe('risk model from a portfolio', () => {
  it('revalues to the portfolio value and reproduces the ledger margin exactly (to the cent)', async () => {
    const { m, p, venue } = await model();
    const total = m.instruments.reduce((s, i) => s + instrumentValue(i, m.prices), 0);
    // Instruments value spot and LP at market; perps contribute value − entry, so add back the perp entry values.
    const perpEntry = m.accounts.flatMap((a) => a.perps).reduce((s, x) => s + x.entryValue, 0);
    expect(total - perpEntry).toBeCloseTo(Number(p.totalValueUsd) / 1e6, 2);
    const ledger = venue.ledger.margin();
    const state = marginAt(m.accounts[0]!, m.prices);
    expect(state.maintenanceCollateral).toBeCloseTo(Number(ledger.maintenanceCollateral) / 1e6, 4);
    expect(state.maintenanceRequirement).toBeCloseTo(Number(ledger.maintenanceRequirement) / 1e6, 4);
    expect(state.initialCollateral).toBeCloseTo(Number(ledger.totalCollateral) / 1e6, 4);
    expect(state.health).toBe(ledger.health);
    expect(liquidationPriceOf(m.accounts[0]!, m.prices, 'SOL')).toBeCloseTo(venue.ledger.liquidationPrice('SOL')!, 6);
  });

  it('agrees with the ledger on random books (property)', async () => {
    const assets = ['SOL', 'BTC', 'ETH', 'JUP', 'BONK'] as const;
    const perps = ['SOL-PERP', 'BTC-PERP', 'ETH-PERP', '1MBONK-PERP'] as const;
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 100, max: 100_000 }),
      fc.array(fc.record({ asset: fc.constantFrom(...assets), amount: fc.integer({ min: 1, max: 500 }) }), { maxLength: 3 }),
      fc.array(fc.record({ market: fc.constantFrom(...perps), size: fc.integer({ min: -300, max: 300 }).filter((x) => x !== 0), entry: fc.double({ min: 0.5, max: 2, noNaN: true }) }), { maxLength: 3 }),
      async (usdc, spot, perpList) => {
        const uniqueSpot = [...new Map(spot.map((s) => [s.asset, s])).values()];
        const uniquePerps = [...new Map(perpList.map((x) => [x.market, x])).values()];
        const mark = (market: string): number => (market === '1MBONK-PERP' ? 1e6 : ROUND_PRICES[market.replace('-PERP', '') as 'SOL']);
        const { m, venue } = await model({
          spot: [{ asset: 'USDC', amount: String(usdc) }, ...uniqueSpot.map((s) => ({ asset: s.asset, amount: String(s.amount) }))],
          perps: uniquePerps.map((x) => ({ market: x.market, size: String(x.size), entryPrice: mark(x.market) * x.entry })),
          lp: [],
        });
        const ledger = venue.ledger.margin();
        const state = marginAt(m.accounts[0]!, m.prices);
        // Within a cent, or 1e-12 of the size for books in the billions (float64 resolution).
        const tol = (x: number): number => Math.max(0.01, Math.abs(x) * 1e-12);
        expect(Math.abs(state.maintenanceCollateral - Number(ledger.maintenanceCollateral) / 1e6)).toBeLessThan(tol(state.maintenanceCollateral));
        expect(Math.abs(state.maintenanceRequirement - Number(ledger.maintenanceRequirement) / 1e6)).toBeLessThan(tol(state.maintenanceRequirement));
        expect(Math.abs(state.health - ledger.health)).toBeLessThanOrEqual(1); // rounding at .5 boundaries
        for (const a of assets) {
          const mine = liquidationPriceOf(m.accounts[0]!, m.prices, a);
          const theirs = venue.ledger.liquidationPrice(a);
          if (theirs === null) expect(mine).toBeNull();
          else expect(Math.abs(mine! / theirs - 1)).toBeLessThan(1e-6);
        }
      },
    ), { numRuns: 60 });
  });
});

describe('stress on the hand-computed book', () => {
  it('SOL −30%: PnL per position and health after', async () => {
    const { m } = await model({ ...BOOK, lp: [] });
    const r = runStress(assetShocks({ SOL: -0.3 }), m.instruments, m.accounts, m.prices);
    const pnl = Object.fromEntries(r.positions.map((x) => [x.label, x.pnl]));
    // SOL 100 → 70: SOL-PERP 100 × −30 = −3,000; SOL spot 10 × −30 = −300; ETH and USDC unchanged.
    expect(pnl['SOL-PERP']).toBeCloseTo(-3000, 6);
    expect(pnl.SOL).toBeCloseTo(-300, 6);
    expect(pnl['ETH-PERP']).toBeCloseTo(0, 9);
    expect(r.totalPnl).toBeCloseTo(-3300, 6);
    // After: collateral 10,000 + 630 − 4,900 = 5,730; requirement 210 + 60 = 270 → health 100 × (1 − 270/5730) = 95.3 → 95.
    expect(r.accounts[0]).toEqual({ healthBefore: 96, healthAfter: 95, liquidatable: false });
    expect(r.crossed).toEqual([]);
  });

  it('crossing the liquidation price is reported, and the account is liquidatable', async () => {
    const { m } = await model({ ...BOOK, lp: [] });
    // SOL liquidation price is $18.49 (−81.5%); −85% crosses it.
    const r = runStress(assetShocks({ SOL: -0.85 }), m.instruments, m.accounts, m.prices);
    expect(r.crossed).toEqual(['paper:perp:SOL-PERP']);
    expect(r.accounts[0]!.liquidatable).toBe(true);
    expect(r.accounts[0]!.healthAfter).toBe(0);
  });

  it('revalues the LP position non-linearly (losing less than its delta on the way down, converting into base)', async () => {
    const { m } = await model({ spot: [], perps: [], lp: [{ pool: 'SOL/USDC', valueUsd: '1000', rangePct: 0.05 }] });
    const down = runStress(uniformShock(m.assets, -0.1), m.instruments, m.accounts, m.prices).totalPnl;
    // Below the range the LP is all SOL bought on the way down: value = Σ L_i / binPrice_i × 90 < 1000 × 0.9 + …
    // Independently: delta at $100 ≈ 4.9241 SOL, so a linear model would lose 49.24; the LP loses more (negative gamma).
    expect(down).toBeLessThan(-49.24);
    expect(down).toBeGreaterThan(-100);
  });
});
