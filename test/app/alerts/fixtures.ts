/** Hand-built portfolios for the alert tests: every number chosen so the expected text can be worked out by hand. */
import type {
  LpPosition, MarginSummary, PerpPosition, Portfolio, Position, SpotPosition, VenueStatus,
} from '../../../src/domain/index.ts';
import { DEFAULT_RISK_LIMITS } from '../../../src/domain/index.ts';
import type { MonitorInput } from '../../../src/app/alerts/index.ts';

export const T0 = Date.UTC(2026, 0, 1);
export const MIN = 60_000;

/** Whole dollars → micro-USD. */
export function usd(x: number): bigint {
  return BigInt(Math.round(x * 1e6));
}

export function perp(market: string, asset: string, o: { base: number; mark: number; entry?: number; liq: number | null }): PerpPosition {
  const notional = usd(Math.abs(o.base) * o.mark);
  const pnl = usd(o.base * (o.mark - (o.entry ?? o.mark)));
  return {
    kind: 'perp', id: `paper:perp:${market}`, venue: 'paper', market, asset, markPrice: o.mark, valueUsd: pnl, exposureUsd: notional,
    base: { raw: BigInt(Math.round(o.base * 1e9)), decimals: 9 }, entryPrice: o.entry ?? o.mark, notionalUsd: notional,
    unrealizedPnlUsd: pnl, fundingPnlUsd: 0n, realizedPnlUsd: 0n, initialMarginUsd: notional / 10n, maintenanceMarginUsd: notional / 20n,
    liquidationPrice: o.liq, marginRatios: { initial: 0.1, maintenance: 0.05 }, contractSize: 1,
  };
}

export function spot(asset: string, o: { amount: number; mark: number; liq?: number | null; wallet?: boolean }): SpotPosition {
  const value = usd(o.amount * o.mark);
  return {
    kind: 'spot', id: `paper:spot:${asset}`, venue: 'paper', market: asset, asset, markPrice: o.mark, valueUsd: value,
    exposureUsd: value < 0n ? -value : value, amount: { raw: BigInt(Math.round(o.amount * 1e6)), decimals: 6 }, isCollateral: true,
    entryPrice: null, unrealizedPnlUsd: null, liquidationPrice: o.liq ?? null,
    weights: o.wallet ? null : { initialAsset: 0.8, maintenanceAsset: 0.9, initialLiability: 1.2, maintenanceLiability: 1.1 },
  };
}

/**
 * An LP position, 1% bins (binStep 100) unless given. `base`/`quote` are the amounts held (human units, 9 and 6
 * decimals); `priceScale` is the price of bin 0 (Saros SOL/USDC: 10^(9 − 6) = 1000).
 */
export function lp(pool: string, o: {
  id?: string; value: number; mark: number; lower: number; upper: number; active: number; inRange?: boolean;
  base?: number; quote?: number; binStep?: number; priceScale?: number;
}): LpPosition {
  const [base = 'SOL', quote = 'USDC'] = pool.split('/');
  const step = o.binStep ?? 100;
  const scale = o.priceScale ?? 1;
  return {
    kind: 'lp', id: `paper:lp:${o.id ?? pool}`, venue: 'paper', market: pool, asset: base, markPrice: o.mark, valueUsd: usd(o.value),
    exposureUsd: usd(o.value), pool, baseAsset: base, quoteAsset: quote, binStep: step, lowerBinId: o.lower, upperBinId: o.upper,
    ...(o.priceScale === undefined ? {} : { priceScale: o.priceScale }),
    activeBinId: o.active, priceLower: scale * (1 + step / 10_000) ** o.lower, priceUpper: scale * (1 + step / 10_000) ** (o.upper + 1),
    inRange: o.inRange ?? (o.active >= o.lower && o.active <= o.upper),
    baseAmount: { raw: BigInt(Math.round((o.base ?? 0) * 1e9)), decimals: 9 }, quoteAmount: { raw: BigInt(Math.round((o.quote ?? 0) * 1e6)), decimals: 6 },
    bins: [], feesUsd: 0n, depositedUsd: usd(o.value),
  };
}

export function margin(health: number, over: Partial<MarginSummary> = {}): MarginSummary {
  return {
    venue: 'paper', totalCollateralUsd: usd(10_000), maintenanceCollateralUsd: usd(10_000), initialMarginUsd: usd(2_000),
    maintenanceMarginUsd: usd(10_000 * (1 - health / 100)), freeCollateralUsd: usd(8_000), health, leverage: 1, ...over,
  };
}

export function venue(o: Partial<VenueStatus> = {}): VenueStatus {
  return { venue: 'paper', label: 'Paper', ok: true, asOf: T0, ...o };
}

/** A portfolio of `positions`; total value is the sum of their values unless given, leverage gross / total. */
export function book(o: { positions?: Position[]; margin?: MarginSummary[]; venues?: VenueStatus[]; totalValueUsd?: bigint; leverage?: number } = {}): Portfolio {
  const positions = o.positions ?? [];
  const total = o.totalValueUsd ?? positions.reduce((s, p) => s + p.valueUsd, 0n);
  const gross = positions.filter((p) => !(p.kind === 'spot' && p.asset === 'USDC')).reduce((s, p) => s + p.exposureUsd, 0n);
  const m = o.margin ?? [];
  return {
    positions, margin: m, prices: Object.fromEntries(positions.map((p) => [p.asset, p.markPrice])), totalValueUsd: total,
    unrealizedPnlUsd: 0n, realizedPnlUsd: 0n, marginUsedUsd: 0n, marginAvailableUsd: 0n,
    leverage: o.leverage ?? (total > 0n ? Number(gross) / Number(total) : 0),
    health: m.length === 0 ? 100 : Math.min(...m.map((x) => x.health)), venues: o.venues ?? [venue()], unpriced: [], asOf: T0,
  };
}

export function input(portfolio: Portfolio, over: Partial<MonitorInput> = {}): MonitorInput {
  return {
    portfolio, var1d: null, drawdown: null, correlationExposure: null, valueWindow: null, now: T0, refreshIntervalMs: 10_000,
    limits: DEFAULT_RISK_LIMITS, ...over,
  };
}

/** Only a margin account at `health`: the input of the health-only engine tests. */
export function healthInput(health: number, now: number): MonitorInput {
  return input(book({ margin: [margin(health)], venues: [] }), { now });
}
