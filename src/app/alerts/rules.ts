/**
 * Alert rules: pure functions from what the monitor measured to one Observation per dedupe key, with hysteresis.
 *
 * Every rule maps a measured value to a level through tiers. A tier is ENTERED when the value crosses its threshold
 * (strictly: health < 50) and, once in it, LEFT only when the value has recovered strictly past threshold ± margin
 * (health > 55), using the level each key had at the previous evaluation. Which messages are sent, and when, is the engine's business
 * (engine.ts): cooldowns, repeats, acknowledgements, snoozes and mutes.
 *
 * Units: health is on Drift's 0–100 scale; distances, VaR, drawdown, shares, PnL moves and correlation are fractions
 * (0.15 = 15%); leverage is a multiple; ages are milliseconds. The LP rules (bins, skew, oracle gap) are in lp-rules.ts;
 * levels, thresholds and the tier hysteresis in thresholds.ts.
 */
import { type AlertRule, type Portfolio, type Position, type RiskLimits, type VenueStatus } from '../../domain/index.ts';
import { concentration } from '../../risk/limits.ts';
import { liquidationDistance } from '../../risk/liquidation.ts';
import { fmtDuration, fmtLeverage, fmtPrice, fmtUsd } from '../../shared/format.ts';
import { lpRules } from './lp-rules.ts';
import { grossExposureUsd, isCash } from '../views.ts';
import {
  DEFAULT_THRESHOLDS, fallingTiers, levelWithHysteresis, risingTiers, type AlertAction, type AlertThresholds, type LevelOrOk, type Observation,
  type RisingTiers, type Tier,
} from './thresholds.ts';

/** What the monitor measured at one moment. */
export interface MonitorInput {
  readonly portfolio: Portfolio;
  /** 1-day VaR as a fraction of equity; null when unknown. */
  readonly var1d: number | null;
  /** Current drawdown from peak, fraction; null when unknown. */
  readonly drawdown: number | null;
  readonly correlationExposure: number | null;
  /** Total value (USD) `minutes` ago and now; null when there is no such history yet. */
  readonly valueWindow: { readonly fromUsd: number; readonly toUsd: number; readonly minutes: number } | null;
  readonly now: number;
  readonly refreshIntervalMs: number;
  readonly limits: RiskLimits;
  /** Prefix of every dedupe key; DEFAULT_ACCOUNT when omitted. */
  readonly account?: string;
}


export const DEFAULT_ACCOUNT = 'main';

/** The dedupe key of one rule on one market (`*` for portfolio-wide rules). */
export function alertKey(account: string, rule: AlertRule, market?: string): string {
  return `${account}:${rule}:${market ?? '*'}`;
}

/** A number without trailing zeros: 50 → "50", 49.62 → "49.6". */
export function num(x: number, digits = 1): string {
  return Number.isFinite(x) ? String(Number(x.toFixed(digits))) : '∞';
}

function usd(x: number): string {
  return Number.isFinite(x) ? fmtUsd(BigInt(Math.round(x * 1e6))) : '—';
}

/** Fraction → percent with up to 2 decimals, trailing zeros trimmed: 0.15 → "15%", 0.0625 → "6.25%". */
export function pct(f: number): string {
  return Number.isFinite(f) ? `${num(f * 100, 2)}%` : '∞';
}


/** A position's market, or its id when another position shares the market (two LPs in one pool). */
export function marketOf(p: Position, all: readonly Position[]): string {
  return all.some((q) => q !== p && q.market === p.market) ? p.id : p.market;
}

/** One evaluation: what was measured, the thresholds, each key's previous level, and the observations so far. */
export interface Ctx {
  readonly input: MonitorInput;
  readonly th: AlertThresholds;
  readonly previous: ReadonlyMap<string, LevelOrOk>;
  readonly account: string;
  readonly out: Observation[];
}

/**
 * Adds the observation of `rule` on `market` for `value` (in the rule's unit), levelled against the key's previous
 * level; nothing for NaN. `action` (and the `positionId` it acts on) is attached only when the level is not ok.
 */
export function emit(
  ctx: Ctx, rule: AlertRule, market: string | undefined, value: number, tiers: readonly Tier[], direction: 'falling' | 'rising',
  text: (level: LevelOrOk, threshold: number) => { title: string; detail: string }, action?: AlertAction, positionId?: string,
): void {
  if (Number.isNaN(value) || tiers.length === 0) return;
  const key = alertKey(ctx.account, rule, market);
  const { level, tier } = levelWithHysteresis(value, tiers, direction, ctx.previous.get(key) ?? 'ok');
  const threshold = (tier ?? tiers[0])?.enter ?? NaN;
  const { title, detail } = text(level, threshold);
  ctx.out.push({
    key, rule, ...(market === undefined ? {} : { market }), level, value, threshold, title, detail,
    ...(level !== 'ok' && action ? { action } : {}),
    ...(level !== 'ok' && action && positionId !== undefined ? { positionId } : {}),
  });
}

function venueLabel(portfolio: Portfolio, venue: string): string {
  return portfolio.venues.find((v) => v.venue === venue)?.label ?? venue;
}

function healthRule(ctx: Ctx): void {
  const { portfolio } = ctx.input;
  const tiers = fallingTiers(ctx.th.health);
  for (const m of portfolio.margin) {
    const label = venueLabel(portfolio, m.venue);
    emit(ctx, 'health', m.venue, m.health, tiers, 'falling', (level, threshold) => {
      const margin = `maintenance margin ${fmtUsd(m.maintenanceMarginUsd)} against ${fmtUsd(m.maintenanceCollateralUsd)} maintenance collateral, free collateral ${fmtUsd(m.freeCollateralUsd)}`;
      return level === 'ok'
        ? { title: `Health ${num(m.health)} on ${label}`, detail: `Health ${num(m.health)}/100 is at or above ${num(threshold)}; ${margin}.` }
        : {
          title: `Health ${level}: ${num(m.health)} on ${label}`,
          detail: `Health ${num(m.health)}/100 is below ${num(threshold)} (${level}); ${margin}.`,
        };
    }, 'reduce');
  }
}

function liquidationRule(ctx: Ctx): void {
  const { positions } = ctx.input.portfolio;
  const tiers = fallingTiers(ctx.th.liquidationDistance);
  for (const p of positions) {
    if (p.kind === 'lp' || isCash(p)) continue;
    // Spot collateral on an asset that also has a perp shares that perp's liquidation price: one alert, on the perp.
    if (p.kind === 'spot' && (p.weights === null || positions.some((q) => q.kind === 'perp' && q.asset === p.asset && q.venue === p.venue))) continue;
    const market = marketOf(p, positions);
    const d = liquidationDistance(p.markPrice, p.liquidationPrice);
    const value = d === null ? Infinity : Math.abs(d);
    emit(ctx, 'liquidation_distance', market, value, tiers, 'falling', (level, threshold) => {
      if (d === null || p.liquidationPrice === null) {
        return { title: `${market} has no liquidation price`, detail: `${market}: price ${fmtPrice(p.markPrice)}, no liquidation price.` };
      }
      const move = `a ${pct(value)} ${p.liquidationPrice < p.markPrice ? 'fall' : 'rise'} of ${p.asset} liquidates`;
      const base = `${market}: price ${fmtPrice(p.markPrice)} vs liquidation ${fmtPrice(p.liquidationPrice)}, ${pct(value)} away`;
      return level === 'ok'
        ? { title: `${market} ${pct(value)} from liquidation`, detail: `${base}; ${move}.` }
        : { title: `${market} ${pct(value)} from liquidation (${level})`, detail: `${base} (${level} below ${pct(threshold)}); ${move}.` };
    }, 'reduce');
  }
}

function limitRule(
  ctx: Ctx, rule: 'var' | 'drawdown' | 'leverage', value: number | null, limit: number, tiers: RisingTiers,
  describe: (v: number) => string, fmt: (v: number) => string, action: AlertAction,
): void {
  if (value === null) return;
  emit(ctx, rule, undefined, value, risingTiers(tiers, limit), 'rising', (level, threshold) => ({
    title: level === 'ok' ? `${describe(value)} within limit` : `${describe(value)} over limit (${level})`,
    detail: level === 'ok'
      ? `${describe(value)} is within the ${fmt(limit)} limit.`
      : `${describe(value)} is above the ${fmt(limit)} limit${threshold === limit ? '' : ` (${level} above ${fmt(threshold)})`}.`,
  }), action);
}

function portfolioRules(ctx: Ctx): void {
  const { input, th } = ctx;
  const equity = Number(input.portfolio.totalValueUsd) / 1e6;
  limitRule(ctx, 'var', input.var1d, input.limits.maxVar1dPercent, th.var,
    (v) => `1-day VaR ${pct(v)} of equity (${usd(v * equity)})`, pct, 'hedge');
  limitRule(ctx, 'drawdown', input.drawdown, input.limits.maxDrawdownPercent, th.drawdown,
    (v) => `Drawdown ${pct(v)} from peak`, pct, 'reduce');
  limitRule(ctx, 'leverage', input.portfolio.leverage, input.limits.maxPortfolioLeverage, th.leverage,
    (v) => `Leverage ${Number.isFinite(v) ? fmtLeverage(v) : '∞'} on ${usd(equity)} equity`, fmtLeverage, 'reduce');
}

function concentrationRule(ctx: Ctx): void {
  const { positions, totalValueUsd } = ctx.input.portfolio;
  if (totalValueUsd <= 0n) return;
  const gross = grossExposureUsd(positions);
  // The base the share is of (see `concentration`): gross exposure, or total value when cash leaves gross below it.
  const [base, ofWhat] = gross >= totalValueUsd ? [gross, 'gross exposure'] : [totalValueUsd, 'total value'];
  const tiers = risingTiers(ctx.th.concentration);
  for (const p of positions) {
    if (isCash(p) || p.exposureUsd <= 0n) continue;
    const market = marketOf(p, positions);
    const share = concentration(Number(p.exposureUsd), Number(gross), Number(totalValueUsd));
    emit(ctx, 'concentration', market, share, tiers, 'rising', (level, threshold) => {
      const detail = `${market} is ${pct(share)} of ${ofWhat} (${fmtUsd(p.exposureUsd)} of ${fmtUsd(base)})`;
      return level === 'ok'
        ? { title: `${market} concentration ${pct(share)}`, detail: `${detail}.` }
        : { title: `${market} concentration ${pct(share)}`, detail: `${detail}, above ${pct(threshold)}.` };
    }, 'rebalance');
  }
}

function correlationRule(ctx: Ctx): void {
  const c = ctx.input.correlationExposure;
  if (c === null) return;
  emit(ctx, 'correlation', undefined, c, risingTiers(ctx.th.correlation), 'rising', (level, threshold) => ({
    title: level === 'ok' ? `Average correlation ${c.toFixed(2)}` : `Correlated book: ${c.toFixed(2)}`,
    detail: level === 'ok'
      ? `Exposure-weighted average correlation of the assets held is ${c.toFixed(2)}.`
      : `Exposure-weighted average correlation of the assets held is ${c.toFixed(2)}, above ${threshold.toFixed(2)}: the positions move as one.`,
  }), 'rebalance');
}

function pnlMoveRule(ctx: Ctx): void {
  const w = ctx.input.valueWindow;
  if (w === null || !(w.fromUsd > 0) || !Number.isFinite(w.toUsd)) return;
  const change = (w.toUsd - w.fromUsd) / w.fromUsd;
  emit(ctx, 'pnl_move', undefined, Math.abs(change), risingTiers(ctx.th.pnlMove), 'rising', (level, threshold) => {
    const move = `Portfolio value ${change < 0 ? 'fell' : 'rose'} ${pct(Math.abs(change))} in ${num(w.minutes, 0)} min: ${usd(w.fromUsd)} → ${usd(w.toUsd)}`;
    return level === 'ok'
      ? { title: `Value ${change < 0 ? '−' : '+'}${pct(Math.abs(change))} in ${num(w.minutes, 0)} min`, detail: `${move}.` }
      : { title: `Large move: value ${change < 0 ? '−' : '+'}${pct(Math.abs(change))} in ${num(w.minutes, 0)} min`, detail: `${move} (alert at ${pct(threshold)}).` };
  });
}

function staleRule(ctx: Ctx, v: VenueStatus): void {
  const { now, refreshIntervalMs: every } = ctx.input;
  const s = ctx.th.staleData;
  if (!(every > 0)) return;
  const age = Math.max(0, now - v.asOf);
  const tiers: Tier[] = [{ level: 'warning', enter: s.warningIntervals * every, leave: s.recoverIntervals * every }];
  if (s.criticalIntervals !== null) tiers.push({ level: 'critical', enter: s.criticalIntervals * every, leave: s.recoverIntervals * every });
  emit(ctx, 'stale_data', v.venue, age, tiers, 'rising', (level, threshold) => (level === 'ok'
    ? { title: `${v.label} data fresh`, detail: `${v.label} data is ${fmtDuration(age)} old (refresh every ${fmtDuration(every)}).` }
    : {
      title: `${v.label} data stale for ${fmtDuration(age)}`,
      detail: `No fresh prices or positions from ${v.label} for ${fmtDuration(age)} (alert after ${fmtDuration(threshold)} = ${num(threshold / every)} × the ${fmtDuration(every)} refresh).`,
    }));
}

function venueErrorRule(ctx: Ctx, v: VenueStatus): void {
  // 1 = failing, 0 = ok: no band in between.
  const tiers: Tier[] = [{ level: ctx.th.venueError.level, enter: 0.5, leave: 0.5 }];
  const age = Math.max(0, ctx.input.now - v.asOf);
  emit(ctx, 'venue_error', v.venue, v.ok ? 0 : 1, tiers, 'rising', (level) => (level === 'ok'
    ? { title: `${v.label} reachable`, detail: `${v.label} answers normally.` }
    : { title: `${v.label} error`, detail: `${v.label}: ${v.error ?? 'not reachable'}; last data ${fmtDuration(age)} old.` }));
}

/** Rules whose keys belong to something that can disappear (a position, a margin account, a venue). */
const PER_THING: ReadonlySet<AlertRule> = new Set<AlertRule>([
  'health', 'liquidation_distance', 'concentration', 'lp_out_of_range', 'lp_near_edge', 'lp_skew', 'lp_oracle_divergence', 'stale_data', 'venue_error',
]);

/**
 * Keys still active from before whose position, account or venue is gone: an ok observation closes them, but only
 * when every venue is ok and fresh (a gap in the data must not pass for a closed position).
 */
function vanished(ctx: Ctx): void {
  const { portfolio, now, refreshIntervalMs } = ctx.input;
  const fresh = portfolio.venues.every((v) => v.ok && now - v.asOf <= ctx.th.staleData.warningIntervals * refreshIntervalMs);
  if (!fresh) return;
  const seen = new Set(ctx.out.map((o) => o.key));
  const prefix = `${ctx.account}:`;
  for (const [key, level] of ctx.previous) {
    if (level === 'ok' || seen.has(key) || !key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const sep = rest.indexOf(':');
    const rule = rest.slice(0, sep) as AlertRule;
    if (sep < 0 || !PER_THING.has(rule)) continue;
    const m = rest.slice(sep + 1);
    const market = m === '*' ? undefined : m;
    ctx.out.push({
      key, rule, ...(market === undefined ? {} : { market }), level: 'ok', value: 0, threshold: 0,
      title: `${market ?? rule} no longer held`, detail: `${market ?? rule} is no longer in the portfolio; its ${rule.replace(/_/g, ' ')} alert is closed.`,
    });
  }
}

/** One observation per dedupe key the input covers, levels with hysteresis against `previous` (missing = ok). */
export function evaluateRules(
  input: MonitorInput, thresholds: AlertThresholds = DEFAULT_THRESHOLDS, previous: ReadonlyMap<string, LevelOrOk> = new Map(),
): Observation[] {
  const ctx: Ctx = { input, th: thresholds, previous, account: input.account ?? DEFAULT_ACCOUNT, out: [] };
  healthRule(ctx);
  liquidationRule(ctx);
  portfolioRules(ctx);
  concentrationRule(ctx);
  correlationRule(ctx);
  lpRules(ctx);
  pnlMoveRule(ctx);
  for (const v of input.portfolio.venues) {
    staleRule(ctx, v);
    venueErrorRule(ctx, v);
  }
  vanished(ctx);
  return ctx.out;
}
