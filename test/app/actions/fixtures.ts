/**
 * Books for the planner tests: a paper venue at ROUND_PRICES (SOL $100, BTC $50,000, ETH $2,000, every other asset $1)
 * seeded with a starting portfolio, read back through the same path the app uses (snapshot → aggregatePortfolio →
 * buildRiskModel), plus the paper executor's market list. The venue's prices come out of the simulator as floats a
 * few ulps off the round numbers (SOL 100.00000000000004), hence toBeCloseTo on USD figures.
 */
import { expect } from 'vitest';
import { legFor, priceOf } from '../../../src/app/actions/book.ts';
import { aggregatePortfolio } from '../../../src/app/portfolio.ts';
import { buildRiskModel, type RiskModel } from '../../../src/app/risk-model.ts';
import type { MarketInfo, PlanLeg } from '../../../src/domain/index.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { PaperExecutor } from '../../../src/venues/paper/executor.ts';
import type { StartingPortfolio } from '../../../src/venues/paper/portfolio-file.ts';
import { PaperVenue } from '../../../src/venues/paper/venue.ts';
import { ROUND_PRICES, T0 } from '../../helpers/app.ts';

export interface Book {
  readonly model: RiskModel;
  readonly markets: readonly MarketInfo[];
}

export async function bookOf(p: Partial<StartingPortfolio>): Promise<Book> {
  const venue = new PaperVenue({
    clock: new ManualClock(T0), seed: 1, startPrices: ROUND_PRICES, historyDays: 5, historyHours: 24,
    portfolio: { spot: p.spot ?? [], perps: p.perps ?? [], lp: p.lp ?? [] },
  });
  const model = buildRiskModel(aggregatePortfolio([await venue.snapshot()], []));
  return { model, markets: new PaperExecutor(venue).markets() };
}

export function marketOf(markets: readonly MarketInfo[], market: string): MarketInfo {
  const m = markets.find((x) => x.market === market);
  if (!m) throw new Error(`no market ${market}`);
  return m;
}

/** Order size of a leg in its own units (contracts for perps, asset units for spot). */
export function sizeOf(leg: PlanLeg): number {
  return Number(leg.size.raw) / 10 ** leg.size.decimals;
}

/** The same order one market step smaller, re-priced (fee and impact of the smaller size); null below the minimum. */
export function oneStepLess(model: RiskModel, leg: PlanLeg, m: MarketInfo): PlanLeg | null {
  const raw = leg.size.raw - m.stepRaw;
  if (raw < m.minSizeRaw || raw <= 0n) return null;
  const units = ((leg.side === 'buy' ? 1 : -1) * Number(raw) * m.contractSize) / 10 ** m.baseDecimals;
  const smaller = legFor(m, units, priceOf(model, m.asset), { reduceOnly: leg.reduceOnly, round: 'nearest' });
  expect(smaller?.size.raw).toBe(raw);
  return smaller;
}

/**
 * The leg's order fields worked out from the market's parameters: notional = size × ref price; fee = notional × taker
 * bps / 1e4; impact (bps) = impactBpsPerMillion × notional / 1e6; slippage = notional × impact / 1e4; limit = ref ×
 * (1 ∓ (impact + 100 bps) / 1e4).
 */
export function expectLegPricing(leg: PlanLeg, m: MarketInfo, expected: { refPrice: number; notional: number; feeUsd: number; impactBps: number; limitPrice: number }): void {
  expect(leg.refPrice).toBeCloseTo(expected.refPrice, 9);
  expect(Number(leg.notionalUsd) / 1e6).toBeCloseTo(expected.notional, 6);
  expect(Number(leg.estFeeUsd) / 1e6).toBeCloseTo(expected.feeUsd, 6);
  expect(Number(leg.estSlippageUsd) / 1e6).toBeCloseTo((expected.notional * expected.impactBps) / 1e4, 6);
  expect(leg.limitPrice).toBeCloseTo(expected.limitPrice, 9);
  // The same figures from the market's own parameters (what the comments beside each expectation work out).
  expect(Number(leg.estFeeUsd) / 1e6).toBeCloseTo((expected.notional * m.takerFeeBps) / 1e4, 6);
  expect(expected.impactBps).toBeCloseTo((m.impactBpsPerMillion * expected.notional) / 1e6, 12);
}
