/**
 * Protect planner (seed 003 graduated protection actions) and limit trims (seed 000 implement_risk_limits): the
 * reduce-only orders that bring the book back inside what it must respect.
 *
 * Protect: in each margin account below the target health, positions are reduced in order of their tail (ES)
 * contribution, largest first; each is cut only as far as needed (bisection on the fraction, rounded up to the
 * market's step), and the next one is touched only if closing the previous one entirely was not enough. Perps are
 * reduced toward zero; spot longs are sold for USDC (which weighs more as collateral). Nothing ever flips or grows.
 *
 * Trims: each position over the concentration caps (USD and concentration, see risk/limits.ts) is cut to 99% of the cap; then, if
 * leverage is over its limit, every tradable position is cut pro rata; then, if 1-day VaR is over its limit, every
 * tradable position is scaled by limit/VaR, re-measured up to four times. One reduce-only plan does all of it.
 */
import type { MarketInfo, PlanLeg, RiskLimits } from '../../domain/index.ts';
import { marginAt } from '../../risk/margin.ts';
import type { RiskModel } from '../risk-model.ts';
import { applyLegs, equityOf, grossExposures, historicalVarUsd, isPerpOf, legFor, priceOf, STABLES, type ScenarioReturns, usd } from './book.ts';

export interface ReduciblePosition {
  readonly id: string;
  readonly label: string;
  readonly market: MarketInfo;
  /** Signed units of the asset held. */
  readonly units: number;
  /** Held size in the market's base units (what reduce-only may not exceed). */
  readonly heldRaw: bigint;
}

/** Perps and spot longs of risky assets that a reduce-only order can cut. */
export function reduciblePositions(model: RiskModel, markets: readonly MarketInfo[]): ReduciblePosition[] {
  const out: ReduciblePosition[] = [];
  for (const a of model.accounts) {
    for (const p of a.perps) {
      const m = markets.find((x) => x.venue === a.venue && x.kind === 'perp' && isPerpOf(p.id, x.market));
      if (!m || p.units === 0) continue;
      out.push({ id: p.id, label: m.market, market: m, units: p.units, heldRaw: BigInt(Math.round((Math.abs(p.units) / m.contractSize) * 10 ** m.baseDecimals)) });
    }
    for (const s of a.spot) {
      if (STABLES.has(s.asset) || s.units <= 0) continue;
      const m = markets.find((x) => x.venue === a.venue && x.kind === 'spot' && x.asset === s.asset);
      if (!m) continue;
      out.push({ id: `${a.venue}:spot:${s.asset}`, label: s.asset, market: m, units: s.units, heldRaw: BigInt(Math.round(s.units * 10 ** m.baseDecimals)) });
    }
  }
  return out;
}

/** A reduce-only order cutting `fraction` (0..1] of a position, rounded up to the step, never beyond what is held. */
export function reduceLeg(model: RiskModel, p: ReduciblePosition, fraction: number): PlanLeg | null {
  if (fraction >= 1) return legFor(p.market, -p.units, priceOf(model, p.market.asset), { reduceOnly: true, round: 'nearest', maxRaw: p.heldRaw });
  return legFor(p.market, -p.units * fraction, priceOf(model, p.market.asset), { reduceOnly: true, round: 'up', maxRaw: p.heldRaw });
}

function healthOf(model: RiskModel, venue: string): number {
  const a = model.accounts.find((x) => x.venue === venue);
  return a ? marginAt(a, model.prices).health : 100;
}

export interface ProtectPlan {
  readonly legs: PlanLeg[];
  readonly notes: string[];
  /** Whether the target is reached with these orders. */
  readonly reached: boolean;
}

export function planProtect(input: {
  model: RiskModel; markets: readonly MarketInfo[]; targetHealth: number; contributions: ReadonlyMap<string, number>;
}): ProtectPlan {
  const { model, markets, targetHealth } = input;
  const legs: PlanLeg[] = [];
  const notes: string[] = [];
  let reached = true;
  for (const account of model.accounts) {
    if (healthOf(model, account.venue) >= targetHealth) continue;
    const candidates = reduciblePositions(model, markets)
      .filter((p) => p.market.venue === account.venue)
      .sort((a, b) => (input.contributions.get(b.id) ?? 0) - (input.contributions.get(a.id) ?? 0) || Math.abs(b.units * priceOf(model, b.market.asset)) - Math.abs(a.units * priceOf(model, a.market.asset)));
    let done = false;
    for (const p of candidates) {
      const after = (f: number): number => {
        const leg = reduceLeg(model, p, f);
        return healthOf(applyLegs(model, leg ? [...legs, leg] : legs, markets), account.venue);
      };
      if (after(1) < targetHealth) {
        const leg = reduceLeg(model, p, 1);
        if (leg) legs.push(leg);
        continue;
      }
      let lo = 0;
      let hi = 1;
      for (let i = 0; i < 40; i++) {
        const mid = (lo + hi) / 2;
        if (after(mid) >= targetHealth) hi = mid;
        else lo = mid;
      }
      const leg = reduceLeg(model, p, hi);
      if (leg) legs.push(leg);
      done = true;
      break;
    }
    if (!done) {
      reached = false;
      const h = healthOf(applyLegs(model, legs, markets), account.venue);
      notes.push(`Even closing every position that can be reduced leaves ${account.venue} health at ${h}: add collateral to reach ${targetHealth}.`);
    }
  }
  return { legs, notes, reached };
}

export interface TrimPlan {
  readonly legs: PlanLeg[];
  readonly notes: string[];
}

/** Reduce-only trims that bring concentration, leverage and VaR within `limits`. */
export function planTrims(input: { model: RiskModel; markets: readonly MarketInfo[]; limits: RiskLimits; scenarios?: ScenarioReturns }): TrimPlan {
  const { model, markets, limits } = input;
  const positions = reduciblePositions(model, markets);
  const equity = equityOf(model);
  const notes: string[] = [];
  const keep = new Map(positions.map((p) => [p.id, 1]));
  const exposure = (p: ReduciblePosition): number => Math.abs(p.units * priceOf(model, p.market.asset));
  if (!(equity > 0)) return { legs: [], notes: ['Equity is not positive: trims cannot be sized; add collateral.'] };
  // Concentration: exposure / max(gross, equity) (risk/limits.ts). Cutting a position shrinks gross, which raises
  // every other share, so the cap is the fixed point c = share × max(gross after capping at c, equity), found by
  // iterating down from today's gross (monotone, so it converges to the largest such cap).
  const grossAll = Object.values(grossExposures(model)).reduce((s, v) => s + v, 0);
  const fixedGross = grossAll - positions.reduce((s, p) => s + exposure(p), 0);
  let shareCap = limits.maxPositionSizePercent * Math.max(grossAll, equity);
  for (let i = 0; i < 100; i++) {
    const grossCapped = fixedGross + positions.reduce((s, p) => s + Math.min(exposure(p), shareCap), 0);
    const next = limits.maxPositionSizePercent * Math.max(grossCapped, equity);
    if (Math.abs(next - shareCap) <= 1e-9 * shareCap) break;
    shareCap = next;
  }
  const cap = Math.min(limits.maxPositionSizeUsd, shareCap) * 0.99;
  for (const p of positions) {
    const e = exposure(p);
    if (e > cap) {
      keep.set(p.id, cap / e);
      notes.push(`${p.label}: cut to ${usd(cap)} (concentration limit).`);
    }
  }
  // Leverage, on what concentration left.
  const tradable = positions.reduce((s, p) => s + exposure(p) * (keep.get(p.id) ?? 1), 0);
  const fixed = fixedGross;
  const grossNow = fixed + tradable;
  const maxGross = limits.maxPortfolioLeverage * equity * 0.99;
  if (grossNow > maxGross && tradable > 0) {
    const g = Math.max(0, (maxGross - fixed) / tradable);
    for (const p of positions) keep.set(p.id, (keep.get(p.id) ?? 1) * Math.min(1, g));
    notes.push(`Every position cut by ${((1 - Math.min(1, g)) * 100).toFixed(1)}% for the ${limits.maxPortfolioLeverage}x leverage limit.`);
    if (g <= 0) notes.push('Positions that cannot be traded here (LPs) alone exceed the leverage limit.');
  }
  const legsFor = (): PlanLeg[] => positions.flatMap((p) => {
    const cut = 1 - (keep.get(p.id) ?? 1);
    if (cut <= 1e-9) return [];
    const leg = reduceLeg(model, p, Math.min(1, cut));
    return leg ? [leg] : [];
  });
  // VaR, re-measured after the other trims.
  if (input.scenarios) {
    const limitUsd = limits.maxVar1dPercent * equity;
    let scaled = false;
    for (let i = 0; i < 4; i++) {
      const v = historicalVarUsd(applyLegs(model, legsFor(), markets), input.scenarios);
      if (v <= limitUsd) break;
      const h = (limitUsd * 0.98) / v;
      for (const p of positions) keep.set(p.id, (keep.get(p.id) ?? 1) * h);
      scaled = true;
    }
    if (scaled) notes.push(`Positions scaled down to bring 1-day VaR under ${(limits.maxVar1dPercent * 100).toFixed(1)}% of equity.`);
  }
  return { legs: legsFor(), notes };
}
