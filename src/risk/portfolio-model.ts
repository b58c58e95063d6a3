/**
 * A portfolio as functions of prices, for full revaluation: linear exposures (spot balances, perps) and DLMM LP
 * positions whose value is a non-linear function of the pair price. PnL under a scenario = value(shocked) − value(now).
 */
import { lpDelta, lpValueAt, type BinLiquidity } from './lp.ts';

export interface LinearInstrument {
  readonly kind: 'linear';
  readonly id: string;
  readonly label: string;
  readonly asset: string;
  /** Signed units of the asset (spot amount, or perp contracts × contract size). */
  readonly units: number;
}

export interface LpInstrument {
  readonly kind: 'lp';
  readonly id: string;
  readonly label: string;
  /** Base asset of the pool. */
  readonly asset: string;
  readonly quoteAsset: string;
  readonly binStep: number;
  /** Liquidity per bin in quote units at the bin price (L = base × binPrice + quote). */
  readonly bins: readonly BinLiquidity[];
  /** Unclaimed fees, USD (do not move with price). */
  readonly feesUsd: number;
  /**
   * Bin prices are `priceScale × (1 + binStep/10000)^binId` (quote per base, human units); 1 when bin ids are already
   * human-price ids. Saros pairs scale by 10^(decimalsX − decimalsY).
   */
  readonly priceScale?: number;
}

/** Value of an LP instrument with its base at `p` and quote at `q` USD, fees included, USD. */
export function lpInstrumentValue(inst: LpInstrument, p: number, q: number): number {
  return lpValueAt(inst.bins, inst.binStep, p / q / (inst.priceScale ?? 1)) * q + inst.feesUsd;
}

export type Instrument = LinearInstrument | LpInstrument;

/** Value of one instrument at `prices`, USD (linear: units × price; LP: bins revalued at the pair price). */
export function instrumentValue(inst: Instrument, prices: Readonly<Record<string, number>>): number {
  const p = prices[inst.asset] ?? 0;
  if (inst.kind === 'linear') return inst.units * p;
  const q = prices[inst.quoteAsset] ?? 1;
  return lpInstrumentValue(inst, p, q);
}

/** USD delta (∂value/∂price × price) of an instrument: the local linear exposure used by parametric VaR. */
export function deltaUsd(inst: Instrument, prices: Readonly<Record<string, number>>): number {
  const p = prices[inst.asset] ?? 0;
  if (inst.kind === 'linear') return inst.units * p;
  const q = prices[inst.quoteAsset] ?? 1;
  // In scaled price space the base is counted × priceScale: divide it back out.
  const scale = inst.priceScale ?? 1;
  return (lpDelta(inst.bins, inst.binStep, p / q / scale) / scale) * p;
}

/** Prices after relative moves (`moves[asset]` = 0.1 for +10%); assets without a move keep their price. */
export function shockedPrices(prices: Readonly<Record<string, number>>, moves: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = { ...prices };
  for (const [asset, m] of Object.entries(moves)) {
    const p = prices[asset];
    if (p !== undefined) out[asset] = p * (1 + m);
  }
  return out;
}

/** PnL of each instrument, USD, when prices move by `moves`. */
export function instrumentPnl(instruments: readonly Instrument[], prices: Readonly<Record<string, number>>, moves: Readonly<Record<string, number>>): number[] {
  const after = shockedPrices(prices, moves);
  return instruments.map((i) => instrumentValue(i, after) - instrumentValue(i, prices));
}

/**
 * PnL matrix for many scenarios: row s, column i = PnL of instrument i when asset a moves by returns[a][s].
 * `assets` orders the rows of `returns`. Linear instruments cost one multiply; LP positions are revalued in full.
 */
export function scenarioPnlMatrix(
  instruments: readonly Instrument[], prices: Readonly<Record<string, number>>, assets: readonly string[],
  returns: readonly (ArrayLike<number>)[], scenarios: number,
): Float64Array {
  const index = new Map(assets.map((a, k) => [a, k]));
  const out = new Float64Array(scenarios * instruments.length);
  instruments.forEach((inst, i) => {
    const k = index.get(inst.asset);
    const r = k === undefined ? undefined : returns[k];
    const p = prices[inst.asset] ?? 0;
    if (inst.kind === 'linear') {
      const exposure = inst.units * p;
      for (let s = 0; s < scenarios; s++) out[s * instruments.length + i] = exposure * (r ? (r[s] ?? 0) : 0);
      return;
    }
    const kq = index.get(inst.quoteAsset);
    const rq = kq === undefined ? undefined : returns[kq];
    const q = prices[inst.quoteAsset] ?? 1;
    const base = instrumentValue(inst, prices);
    for (let s = 0; s < scenarios; s++) {
      const p1 = p * (1 + (r ? (r[s] ?? 0) : 0));
      const q1 = q * (1 + (rq ? (rq[s] ?? 0) : 0));
      out[s * instruments.length + i] = lpInstrumentValue(inst, p1, q1) - base;
    }
  });
  return out;
}
