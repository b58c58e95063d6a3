/** Turns a domain Portfolio into the pure risk model: instruments to revalue and margin accounts to re-check. */
import type { Portfolio, Position } from '../domain/index.ts';
import type { MarginAccountModel, PerpModel, SpotBalanceModel } from '../risk/margin.ts';
import type { Instrument } from '../risk/portfolio-model.ts';

/** A margin account and the venue it lives on. */
export interface VenueAccount extends MarginAccountModel {
  readonly venue: string;
}

export interface RiskModel {
  readonly instruments: readonly Instrument[];
  readonly accounts: readonly VenueAccount[];
  readonly prices: Readonly<Record<string, number>>;
  /** Equity the returns are measured against, USD. */
  readonly equityUsd: number;
  /** Every asset whose price moves the portfolio. */
  readonly assets: readonly string[];
}

const units = (raw: bigint, decimals: number): number => Number(raw) / 10 ** decimals;

function label(p: Position): string {
  if (p.kind === 'perp') return p.market;
  if (p.kind === 'lp') return `${p.pool} LP`;
  return p.asset;
}

/** Underlying units a perp moves with: base × contract size. */
function perpUnits(p: Extract<Position, { kind: 'perp' }>): number {
  return units(p.base.raw, p.base.decimals) * p.contractSize;
}

export function buildRiskModel(portfolio: Portfolio): RiskModel {
  const instruments: Instrument[] = [];
  const accounts = new Map<string, { spot: SpotBalanceModel[]; perps: PerpModel[] }>();
  const account = (venue: string): { spot: SpotBalanceModel[]; perps: PerpModel[] } => {
    let a = accounts.get(venue);
    if (!a) {
      a = { spot: [], perps: [] };
      accounts.set(venue, a);
    }
    return a;
  };
  for (const p of portfolio.positions) {
    if (p.kind === 'spot') {
      const u = units(p.amount.raw, p.amount.decimals);
      instruments.push({ kind: 'linear', id: p.id, label: label(p), asset: p.asset, units: u });
      if (p.weights) {
        account(p.venue).spot.push({
          asset: p.asset, units: u, maintenanceAssetWeight: p.weights.maintenanceAsset, maintenanceLiabilityWeight: p.weights.maintenanceLiability,
          initialAssetWeight: p.weights.initialAsset, initialLiabilityWeight: p.weights.initialLiability,
        });
      }
    } else if (p.kind === 'perp') {
      const u = perpUnits(p);
      instruments.push({ kind: 'linear', id: p.id, label: label(p), asset: p.asset, units: u });
      account(p.venue).perps.push({
        id: p.id, asset: p.asset, units: u, entryValue: units(p.base.raw, p.base.decimals) * p.entryPrice,
        maintenanceRatio: p.marginRatios.maintenance, initialRatio: p.marginRatios.initial,
      });
    } else {
      instruments.push({
        kind: 'lp', id: p.id, label: label(p), asset: p.baseAsset, quoteAsset: p.quoteAsset, binStep: p.binStep,
        bins: p.bins.map((b) => ({
          binId: b.binId,
          liquidity: units(b.base.raw, b.base.decimals) * b.price + units(b.quote.raw, b.quote.decimals),
        })),
        feesUsd: Number(p.feesUsd) / 1e6,
        ...(p.priceScale === undefined ? {} : { priceScale: p.priceScale }),
      });
    }
  }
  const assets = [...new Set(instruments.flatMap((i) => (i.kind === 'lp' ? [i.asset, i.quoteAsset] : [i.asset])))].sort();
  return {
    instruments, accounts: [...accounts].map(([venue, a]) => ({ venue, ...a })), prices: portfolio.prices, equityUsd: Number(portfolio.totalValueUsd) / 1e6, assets,
  };
}
