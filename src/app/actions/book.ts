/**
 * The planners' view of the book: the float risk model (src/app/risk-model.ts) with trades applied to it, the
 * before/after figures a confirm card shows, and how a wanted trade in asset units becomes an exact order.
 *
 * Conventions: `units` are units of the underlying asset (a 1MBONK-PERP contract is 1,000,000 BONK units); leg prices
 * are USD per unit of order size (per contract); USD figures are floats here (analytics) and micro-USD bigints on legs.
 */
import type { MarketInfo, PlanLeg, PlanMetrics, Side } from '../../domain/index.ts';
import type { PerpModel, SpotBalanceModel } from '../../risk/margin.ts';
import { liquidationPriceOf, marginAt } from '../../risk/margin.ts';
import { deltaUsd, instrumentValue, scenarioPnlMatrix, type Instrument } from '../../risk/portfolio-model.ts';
import { quantile } from '../../risk/var.ts';
import { fmtUsd } from '../../shared/format.ts';
import { usdFromNumber } from '../../shared/money.ts';
import type { RiskModel, VenueAccount } from '../risk-model.ts';
import { CASH_ASSETS, signedWeights } from '../views.ts';

/** The cash assets (views.ts CASH_ASSETS), by the name the planners use. */
export const STABLES: ReadonlySet<string> = CASH_ASSETS;
/** Slippage bound sent with every order, beyond the estimated impact: basis points of the reference price. */
export const LIMIT_BUFFER_BPS = 100;
/** Confidence of the VaR on cards. */
export const CARD_VAR_CONFIDENCE = 0.95;

/** Daily returns behind the card's VaR: assets × days. */
export interface ScenarioReturns {
  readonly assets: readonly string[];
  readonly returns: readonly (readonly number[])[];
}

const isStable = (a: string): boolean => STABLES.has(a);

/** A float USD amount as text ("$1,234.56"), through the one USD formatter. */
export function usd(x: number): string {
  return fmtUsd(usdFromNumber(x));
}

/** USD price per unit of the asset. */
export function priceOf(model: RiskModel, asset: string): number {
  return model.prices[asset] ?? (isStable(asset) ? 1 : NaN);
}

/** Net USD delta per risky asset (spot + perps + LP price sensitivity). */
export function netDeltas(model: RiskModel): Record<string, number> {
  const out: Record<string, number> = {};
  for (const inst of model.instruments) {
    if (isStable(inst.asset)) continue;
    out[inst.asset] = (out[inst.asset] ?? 0) + deltaUsd(inst, model.prices);
  }
  return out;
}

/** Gross exposure per asset, USD (|spot value|, |perp notional|, LP value on its base asset) — the base of weights. */
export function grossExposures(model: RiskModel, includeStables = false): Record<string, number> {
  const out: Record<string, number> = {};
  for (const inst of model.instruments) {
    if (!includeStables && isStable(inst.asset)) continue;
    const v = Math.abs(instrumentValue(inst, model.prices));
    if (v > 0) out[inst.asset] = (out[inst.asset] ?? 0) + v;
  }
  return out;
}

/** Shares of gross exposure (fractions summing to 1), over risky assets plus the stables in `alsoStables`. */
export function exposureWeights(model: RiskModel, alsoStables: readonly string[] = []): Record<string, number> {
  const all = grossExposures(model, true);
  const keep = Object.entries(all).filter(([a]) => !isStable(a) || alsoStables.includes(a));
  const total = keep.reduce((s, [, v]) => s + v, 0);
  return Object.fromEntries(total > 0 ? keep.map(([a, v]) => [a, v / total]) : []);
}

function isPerpId(model: RiskModel, id: string): boolean {
  return model.accounts.some((a) => a.perps.some((p) => p.id === id));
}

/** Net value, USD: spot and LP values plus perp PnL. */
export function equityOf(model: RiskModel): number {
  let eq = 0;
  for (const inst of model.instruments) if (!isPerpId(model, inst.id)) eq += instrumentValue(inst, model.prices);
  for (const a of model.accounts) for (const p of a.perps) eq += p.units * priceOf(model, p.asset) - p.entryValue;
  return eq;
}

/** Gross exposure of risky assets / equity (Infinity when equity is not positive). */
export function leverageOf(model: RiskModel): number {
  const gross = Object.values(grossExposures(model)).reduce((s, v) => s + v, 0);
  const equity = equityOf(model);
  return equity > 0 ? gross / equity : Infinity;
}

/**
 * Long-short weights (fractions summing to 1, a short < 0) over the risky assets plus the stables in `alsoStables`:
 * each asset's signed value (a perp's units × price, spot and LP values) over their sum, by the one definition
 * (signedWeights, src/app/views.ts); NaN when that sum is not positive.
 */
export function signedExposureWeights(model: RiskModel, alsoStables: readonly string[] = []): Record<string, number> {
  const signed = new Map<string, number>();
  for (const inst of model.instruments) signed.set(inst.asset, (signed.get(inst.asset) ?? 0) + instrumentValue(inst, model.prices));
  const assets = Object.keys(grossExposures(model, true)).filter((a) => !isStable(a) || alsoStables.includes(a));
  const w = signedWeights(signed, assets);
  return Object.fromEntries(assets.map((a, i) => [a, w[i] ?? Number.NaN]));
}

/**
 * Figures for a card: delta, lowest health, liquidation prices, VaR (when returns are given), weights, leverage.
 * Weights are shares of gross exposure, or with `signed` (a long-short rebalance) signedExposureWeights.
 */
export function bookMetrics(model: RiskModel, scenarios?: ScenarioReturns, weightsAlso: readonly string[] = [], signed = false): PlanMetrics {
  const delta = netDeltas(model);
  const health = model.accounts.length === 0 ? 100 : Math.min(...model.accounts.map((a) => marginAt(a, model.prices).health));
  const liquidationPrices: Record<string, number | null> = {};
  for (const a of model.accounts) {
    const assets = new Set([...a.perps.filter((p) => p.units !== 0).map((p) => p.asset), ...a.spot.filter((s) => s.units !== 0 && !isStable(s.asset)).map((s) => s.asset)]);
    for (const asset of assets) {
      const liq = liquidationPriceOf(a, model.prices, asset);
      const prev = liquidationPrices[asset];
      // The nearest one matters when several accounts hold the asset.
      if (prev === undefined || (liq !== null && (prev === null || Math.abs(liq - priceOf(model, asset)) < Math.abs(prev - priceOf(model, asset))))) liquidationPrices[asset] = liq;
    }
  }
  return {
    delta, health, liquidationPrices, weights: signed ? signedExposureWeights(model, weightsAlso) : exposureWeights(model, weightsAlso), leverage: leverageOf(model),
    ...(scenarios ? { var1dUsd: historicalVarUsd(model, scenarios) } : {}),
  };
}

/** 1-day historical VaR of the book, USD (full revaluation over the daily returns), 0 when it cannot lose. */
export function historicalVarUsd(model: RiskModel, s: ScenarioReturns, confidence = CARD_VAR_CONFIDENCE): number {
  return Math.max(0, -quantile(portfolioPnl(model, s), 1 - confidence));
}

/** Book PnL per scenario, USD. */
export function portfolioPnl(model: RiskModel, s: ScenarioReturns): number[] {
  const n = Math.min(...s.returns.map((r) => r.length));
  if (!(n > 1) || model.instruments.length === 0) return [0, 0];
  const m = scenarioPnlMatrix(model.instruments, model.prices, s.assets, s.returns, n);
  const k = model.instruments.length;
  const out = new Array<number>(n).fill(0);
  for (let t = 0; t < n; t++) for (let i = 0; i < k; i++) out[t] = (out[t] as number) + (m[t * k + i] as number);
  return out;
}

/** Tail (ES) contribution of each instrument, USD: −its mean PnL over the worst (1 − c) of scenarios. */
export function tailContributions(model: RiskModel, s: ScenarioReturns, confidence = CARD_VAR_CONFIDENCE): Map<string, number> {
  const n = Math.min(...s.returns.map((r) => r.length));
  const out = new Map<string, number>();
  if (!(n > 1)) return out;
  const m = scenarioPnlMatrix(model.instruments, model.prices, s.assets, s.returns, n);
  const k = model.instruments.length;
  const total = portfolioPnl(model, s);
  const cutoff = quantile(total, 1 - confidence);
  const tail = total.map((v, t) => ({ v, t })).filter((x) => x.v <= cutoff).map((x) => x.t);
  model.instruments.forEach((inst, i) => {
    let sum = 0;
    for (const t of tail) sum += m[t * k + i] as number;
    out.set(inst.id, tail.length > 0 ? -sum / tail.length : 0);
  });
  return out;
}

function accountFor(accounts: VenueAccount[], venue: string): VenueAccount {
  let a = accounts.find((x) => x.venue === venue);
  if (!a) {
    a = { venue, spot: [], perps: [] };
    accounts.push(a);
  }
  return a;
}

function addSpot(account: VenueAccount, asset: string, du: number, m: MarketInfo | undefined): VenueAccount {
  const spot = [...account.spot];
  const i = spot.findIndex((s) => s.asset === asset);
  if (i >= 0) spot[i] = { ...(spot[i] as SpotBalanceModel), units: (spot[i] as SpotBalanceModel).units + du };
  else {
    const w = m?.spotWeights ?? { initialAsset: 1, maintenanceAsset: 1, initialLiability: 1, maintenanceLiability: 1 };
    spot.push({ asset, units: du, initialAssetWeight: w.initialAsset, maintenanceAssetWeight: w.maintenanceAsset, initialLiabilityWeight: w.initialLiability, maintenanceLiabilityWeight: w.maintenanceLiability });
  }
  return { ...account, spot };
}

function addLinear(instruments: Instrument[], id: string, label: string, asset: string, du: number): void {
  const i = instruments.findIndex((x) => x.id === id);
  const cur = instruments[i];
  if (cur && cur.kind === 'linear') instruments[i] = { ...cur, units: cur.units + du };
  else instruments.push({ kind: 'linear', id, label, asset, units: du });
}

/** Signed units of the asset a leg moves (+ buys). */
export function legUnits(leg: PlanLeg, m: MarketInfo): number {
  const size = Number(leg.size.raw) / 10 ** leg.size.decimals;
  return (leg.side === 'buy' ? 1 : -1) * size * m.contractSize;
}

/**
 * The book after `legs` fill at their reference prices plus the estimated impact and fee: perps change units and entry
 * value, spot changes the asset and the USDC cash leg; fees come out of USDC.
 */
export function applyLegs(model: RiskModel, legs: readonly PlanLeg[], markets: readonly MarketInfo[]): RiskModel {
  const instruments = [...model.instruments];
  const accounts = model.accounts.map((a) => ({ ...a }));
  for (const leg of legs) {
    const m = markets.find((x) => x.venue === leg.venue && x.market === leg.market);
    if (!m) throw new Error(`no market ${leg.venue}:${leg.market}`);
    const du = legUnits(leg, m);
    const px = priceOf(model, leg.asset);
    // What the trade costs in USD (negative: received); impact always costs.
    const cost = du * px + Number(leg.estSlippageUsd) / 1e6;
    const fee = Number(leg.estFeeUsd) / 1e6;
    const idx = accounts.indexOf(accountFor(accounts, leg.venue));
    let acct = accounts[idx] as VenueAccount;
    if (m.kind === 'perp') {
      const perps = [...acct.perps];
      // The position the leg trades, whatever the venue calls it; a new one gets the short form.
      const j = perps.findIndex((p) => isPerpOf(p.id, leg.market));
      const id = perps[j]?.id ?? `${leg.venue}:perp:${leg.market}`;
      const r = m.marginRatios ?? { initial: 0.1, maintenance: 0.05 };
      if (j >= 0) perps[j] = { ...(perps[j] as PerpModel), units: (perps[j] as PerpModel).units + du, entryValue: (perps[j] as PerpModel).entryValue + cost };
      else perps.push({ id, asset: leg.asset, units: du, entryValue: cost, maintenanceRatio: r.maintenance, initialRatio: r.initial });
      acct = { ...acct, perps };
      addLinear(instruments, id, leg.market, leg.asset, du);
      acct = addSpot(acct, 'USDC', -fee, undefined);
      addLinear(instruments, `${leg.venue}:spot:USDC`, 'USDC', 'USDC', -fee);
    } else {
      acct = addSpot(acct, leg.asset, du, m);
      addLinear(instruments, `${leg.venue}:spot:${leg.asset}`, leg.asset, leg.asset, du);
      acct = addSpot(acct, 'USDC', -cost - fee, undefined);
      addLinear(instruments, `${leg.venue}:spot:USDC`, 'USDC', 'USDC', -cost - fee);
    }
    accounts[idx] = acct;
  }
  const assets = [...new Set([...model.assets, ...instruments.map((i) => i.asset)])].sort();
  return { ...model, instruments, accounts, assets, equityUsd: model.equityUsd };
}

/** Rounds a raw size to the market's step: down, up or to the nearest. */
function toStep(raw: bigint, step: bigint, mode: 'down' | 'up' | 'nearest'): bigint {
  const q = raw / step;
  const r = raw % step;
  if (r === 0n) return raw;
  if (mode === 'down') return q * step;
  if (mode === 'up') return (q + 1n) * step;
  return (r * 2n >= step ? q + 1n : q) * step;
}

/**
 * An order for `units` of the market's asset (+ buy, − sell) at `price` USD per asset unit, sized in exact base units
 * on the market's step; null when it rounds below the market's minimum. Fee and impact are estimated from the
 * market's taker fee and linear impact; the limit price allows the impact plus LIMIT_BUFFER_BPS.
 */
export function legFor(m: MarketInfo, units: number, price: number, opts: { reduceOnly: boolean; round?: 'down' | 'up' | 'nearest'; maxRaw?: bigint }): PlanLeg | null {
  if (!Number.isFinite(units) || units === 0 || !(price > 0)) return null;
  const side: Side = units > 0 ? 'buy' : 'sell';
  const mode = opts.round ?? 'nearest';
  const sizeFloat = Math.min((Math.abs(units) / m.contractSize) * 10 ** m.baseDecimals, Number.MAX_SAFE_INTEGER);
  // The rounding mode holds below one base unit too (spot steps are 1 raw unit: rounding to the nearest unit first
  // would make 'down' round up, and a buy scaled to the cash on hand overspend it); float noise (a few ulps) snaps to
  // the integer.
  const near = Math.round(sizeFloat);
  const whole = Math.abs(sizeFloat - near) <= Math.max(1e-6, sizeFloat * 1e-12) || mode === 'nearest' ? near : mode === 'down' ? Math.floor(sizeFloat) : Math.ceil(sizeFloat);
  let raw = toStep(BigInt(whole), m.stepRaw, mode);
  if (opts.maxRaw !== undefined && raw > opts.maxRaw) raw = toStep(opts.maxRaw, m.stepRaw, 'down');
  if (raw <= 0n || raw < m.minSizeRaw) return null;
  const refPrice = price * m.contractSize;
  const notional = (Number(raw) / 10 ** m.baseDecimals) * refPrice;
  const impactBps = (m.impactBpsPerMillion * notional) / 1e6;
  const bound = (impactBps + LIMIT_BUFFER_BPS) / 10_000;
  return {
    venue: m.venue, market: m.market, kind: m.kind, asset: m.asset, side, size: { raw, decimals: m.baseDecimals },
    refPrice, limitPrice: side === 'buy' ? refPrice * (1 + bound) : refPrice * (1 - bound),
    notionalUsd: BigInt(Math.round(notional * 1e6)),
    estFeeUsd: BigInt(Math.round(notional * m.takerFeeBps * 100)),
    estSlippageUsd: BigInt(Math.round(notional * impactBps * 100)),
    reduceOnly: opts.reduceOnly,
  };
}

/** Σ over legs of a bigint field. */
export function sumLegs(legs: readonly PlanLeg[], f: (l: PlanLeg) => bigint): bigint {
  return legs.reduce((s, l) => s + f(l), 0n);
}

/**
 * Whether a perp position id is the position in `market`. Venues name positions their own way — paper
 * "paper:perp:SOL-PERP", Drift "drift:<authority>:<sub-account>:perp:SOL-PERP" — and both end in ":perp:<market>".
 */
export function isPerpOf(id: string, market: string): boolean {
  return id.endsWith(`:perp:${market}`);
}

/** The perp position an account holds in `market`, if any. */
export function perpIn(account: VenueAccount, market: string): PerpModel | undefined {
  return account.perps.find((p) => isPerpOf(p.id, market));
}

/** Signed units of the asset held in one venue's perp market / spot balance. */
export function heldUnits(model: RiskModel, venue: string, m: MarketInfo): number {
  const a = model.accounts.find((x) => x.venue === venue);
  if (!a) return 0;
  if (m.kind === 'perp') return perpIn(a, m.market)?.units ?? 0;
  return a.spot.find((s) => s.asset === m.asset)?.units ?? 0;
}
