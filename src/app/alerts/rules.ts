/**
 * Alert rules: pure functions from what the monitor measured to one Observation per dedupe key, with hysteresis.
 *
 * Every rule maps a measured value to a level through tiers. A tier is ENTERED when the value crosses its threshold
 * (strictly: health < 50) and, once in it, LEFT only when the value has recovered strictly past threshold ± margin
 * (health > 55), using the level each key had at the previous evaluation. Which messages are sent, and when, is the engine's business
 * (engine.ts): cooldowns, repeats, acknowledgements, snoozes and mutes.
 *
 * Units: health is on Drift's 0–100 scale; distances, VaR, drawdown, shares, PnL moves and correlation are fractions
 * (0.15 = 15%); leverage is a multiple; ages are milliseconds. The LP rules (bins, skew, oracle gap) are in lp-rules.ts.
 */
import { ALERT_RULE_NAMES, type AlertLevel, type AlertRule, type Portfolio, type Position, type RiskLimits, type VenueStatus } from '../../domain/index.ts';
import { liquidationDistance } from '../../risk/liquidation.ts';
import { fmtDuration, fmtLeverage, fmtPrice, fmtUsd } from '../../shared/format.ts';
import { lpRules } from './lp-rules.ts';
import { isCash } from '../views.ts';

export type LevelOrOk = AlertLevel | 'ok';
/** What an alert's action button offers; 'recenter' runs the chat command /recenter on the observation's `positionId`. */
export type AlertAction = 'hedge' | 'reduce' | 'rebalance' | 'recenter';

/** Severity order: ok < info < warning < critical < emergency. */
export const LEVEL_RANK: Readonly<Record<LevelOrOk, number>> = Object.freeze({ ok: 0, info: 1, warning: 2, critical: 3, emergency: 4 });

export const ALERT_RULES: readonly AlertRule[] = ALERT_RULE_NAMES;

/** What one rule found for one dedupe key at one evaluation. */
export interface Observation {
  /** `${account}:${rule}:${market ?? '*'}`. */
  readonly key: string;
  readonly rule: AlertRule;
  readonly market?: string;
  /** Level after hysteresis. */
  readonly level: LevelOrOk;
  /** What the rule measured (see the module comment for units). */
  readonly value: number;
  /** The threshold of `level` (of the least severe level when ok). */
  readonly threshold: number;
  readonly title: string;
  /** The numbers behind it: health now, price vs liquidation price, distance … */
  readonly detail: string;
  /** What the alert's action button offers; only on non-ok observations. */
  readonly action?: AlertAction;
  /** The position `action` acts on (set with 'recenter'): the button passes it to the command. */
  readonly positionId?: string;
}

/** Tiers where lower is worse (health, distance to liquidation): entered below a threshold, left above threshold + margin. */
export interface FallingTiers {
  readonly warning: number;
  readonly critical: number;
  readonly emergency: number;
  /** Absolute hysteresis margin, in the value's unit (health points, distance as a fraction). */
  readonly margin: number;
}

/**
 * Tiers where higher is worse: entered above a threshold, left below threshold × (1 − relativeMargin). A null level is
 * not used. For var/drawdown/leverage the numbers are multiples of the RiskLimits value (1 = at the limit).
 */
export interface RisingTiers {
  readonly warning: number;
  readonly critical: number | null;
  readonly emergency: number | null;
  readonly relativeMargin: number;
}

export interface AlertThresholds {
  /** Health of each margin account (0–100). */
  readonly health: FallingTiers;
  /** |mark − liquidation price| / mark per position with a liquidation price. */
  readonly liquidationDistance: FallingTiers;
  /** 1-day VaR as a fraction of equity, in multiples of RiskLimits.maxVar1dPercent. */
  readonly var: RisingTiers;
  /** Current drawdown, in multiples of RiskLimits.maxDrawdownPercent. */
  readonly drawdown: RisingTiers;
  /** Portfolio leverage, in multiples of RiskLimits.maxPortfolioLeverage. */
  readonly leverage: RisingTiers;
  /** A position's gross exposure as a fraction of total value (seed 000: 25%). */
  readonly concentration: RisingTiers;
  /** Exposure-weighted average pairwise correlation of the risky assets. */
  readonly correlation: RisingTiers;
  /** Out of range enters `level`; back in range only once the active bin is `reentryBins` inside an edge. */
  readonly lpOutOfRange: { readonly level: AlertLevel; readonly reentryBins: number };
  /** In range with the active bin fewer than `bins` bins from an edge (warning); clears at `bins` + 1 bins inside. */
  readonly lpNearEdge: { readonly bins: number };
  /** |base value − quote value| / LP value at the active bin's price (0.8 = a 90/10 split). */
  readonly lpSkew: RisingTiers;
  /** Gap between the oracle price and the active bin's [lower, upper) price, as a fraction of the oracle price. */
  readonly lpOracleDivergence: RisingTiers;
  /** |ΔValue| / value over the monitor's window (`windowMinutes` tells the monitor which window to measure). */
  readonly pnlMove: RisingTiers & { readonly windowMinutes: number };
  /** Data age per venue, in refresh intervals: entered above `warningIntervals`, left below `recoverIntervals`. */
  readonly staleData: { readonly warningIntervals: number; readonly criticalIntervals: number | null; readonly recoverIntervals: number };
  /** A venue reporting not ok. */
  readonly venueError: { readonly level: AlertLevel };
  /** Least time between two notifications of a key at the same level (see engine.ts). */
  readonly cooldownMs: Readonly<Record<AlertLevel, number>>;
  /** Unacknowledged critical and emergency alerts repeat this often. */
  readonly repeatMs: number;
}

const MIN = 60_000;

export const DEFAULT_THRESHOLDS: AlertThresholds = Object.freeze<AlertThresholds>({
  health: { warning: 50, critical: 25, emergency: 10, margin: 5 },
  liquidationDistance: { warning: 0.15, critical: 0.08, emergency: 0.04, margin: 0.02 },
  var: { warning: 1, critical: 1.5, emergency: null, relativeMargin: 0.1 },
  drawdown: { warning: 1, critical: 1.5, emergency: null, relativeMargin: 0.1 },
  leverage: { warning: 1, critical: 1.5, emergency: null, relativeMargin: 0.1 },
  concentration: { warning: 0.25, critical: null, emergency: null, relativeMargin: 0.1 },
  correlation: { warning: 0.7, critical: null, emergency: null, relativeMargin: 0.1 },
  lpOutOfRange: { level: 'warning', reentryBins: 1 },
  lpNearEdge: { bins: 3 },
  lpSkew: { warning: 0.8, critical: null, emergency: null, relativeMargin: 0.1 },
  lpOracleDivergence: { warning: 0.01, critical: null, emergency: null, relativeMargin: 0.1 },
  pnlMove: { warning: 0.05, critical: null, emergency: null, relativeMargin: 0.1, windowMinutes: 60 },
  staleData: { warningIntervals: 3, criticalIntervals: null, recoverIntervals: 2 },
  venueError: { level: 'warning' },
  cooldownMs: { info: 60 * MIN, warning: 30 * MIN, critical: 10 * MIN, emergency: 5 * MIN },
  repeatMs: 15 * MIN,
});

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

/** One tier: entered when the value crosses `enter` (strictly), held until it is strictly past `leave`. */
export interface Tier {
  readonly level: AlertLevel;
  readonly enter: number;
  readonly leave: number;
}

/**
 * The level of `value` given the level it had before: the most severe tier whose threshold the value crosses, or
 * whose level is no worse than `previous` and whose hysteresis band the value has not yet left. `tiers` go from the
 * least to the most severe. NaN is ok.
 */
export function levelWithHysteresis(
  value: number, tiers: readonly Tier[], direction: 'falling' | 'rising', previous: LevelOrOk,
): { level: LevelOrOk; tier: Tier | undefined } {
  for (let i = tiers.length - 1; i >= 0; i--) {
    const t = tiers[i] as Tier;
    const crossed = direction === 'falling' ? value < t.enter : value > t.enter;
    const held = LEVEL_RANK[t.level] <= LEVEL_RANK[previous] && (direction === 'falling' ? value <= t.leave : value >= t.leave);
    if (crossed || held) return { level: t.level, tier: t };
  }
  return { level: 'ok', tier: undefined };
}

function fallingTiers(t: FallingTiers): Tier[] {
  return [
    { level: 'warning', enter: t.warning, leave: t.warning + t.margin },
    { level: 'critical', enter: t.critical, leave: t.critical + t.margin },
    { level: 'emergency', enter: t.emergency, leave: t.emergency + t.margin },
  ];
}

/** Rising tiers scaled by `base` (1 for absolute thresholds, the RiskLimits value for limit rules). */
export function risingTiers(t: RisingTiers, base = 1): Tier[] {
  const out: Tier[] = [];
  for (const [level, m] of [['warning', t.warning], ['critical', t.critical], ['emergency', t.emergency]] as const) {
    if (m === null) continue;
    out.push({ level, enter: m * base, leave: m * base * (1 - t.relativeMargin) });
  }
  return out;
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
  const tiers = risingTiers(ctx.th.concentration);
  for (const p of positions) {
    if (isCash(p) || p.exposureUsd <= 0n) continue;
    const market = marketOf(p, positions);
    const share = Number(p.exposureUsd) / Number(totalValueUsd);
    emit(ctx, 'concentration', market, share, tiers, 'rising', (level, threshold) => {
      const base = `${market} is ${pct(share)} of total value (${fmtUsd(p.exposureUsd)} of ${fmtUsd(totalValueUsd)})`;
      return level === 'ok'
        ? { title: `${market} ${pct(share)} of portfolio`, detail: `${base}.` }
        : { title: `${market} concentration ${pct(share)}`, detail: `${base}, above ${pct(threshold)}.` };
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
