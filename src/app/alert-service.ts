/**
 * AlertService: watches the portfolio, turns rule observations into alerts through the engine, and publishes them with
 * their buttons (Acknowledge, Snooze 1h, Mute rule, and the suggested action, which opens a confirm card — or, for
 * Re-center, runs the /recenter command on the alert's LP position).
 */
import type { Dispatcher, PressContext, PressResult } from '../core/dispatcher.ts';
import { reply, type Button, type Reply } from '../core/reply.ts';
import {
  actorKey, EDITABLE_THRESHOLDS, type Actor, type AlertLevel, type AlertRule, type ChatRef, type EditableThreshold, type Portfolio, type ThresholdSpec,
} from '../domain/index.ts';
import type { AuditRepo, Clock, SettingsRepo, SnapshotRepo } from '../ports/index.ts';
import { SETTINGS } from '../ports/settings.ts';
import { UserError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { checkedGross, validateWeights } from '../oracles/index.ts';
import { recordedDrawdown } from './recorded-drawdown.ts';
import { assetExposures, grossWeights, signedExposures, signedWeights } from './views.ts';
import { DEFAULT_REBALANCE_THRESHOLD } from './actions/rebalance.ts';
import { fmtPct, fmtTime } from '../shared/format.ts';
import type { Logger } from '../shared/logger.ts';
import type { AlertEngine } from './alerts/index.ts';
import { alertKey, DEFAULT_ACCOUNT, DEFAULT_THRESHOLDS, evaluateRules, type ActiveAlert, type AlertAction, type AlertEvent, type AlertThresholds } from './alerts/index.ts';
import type { LimitsService } from './limits.ts';
import type { NotificationService } from './notifications.ts';
import type { PortfolioService } from './portfolio.ts';
import type { RiskService } from './risk-service.ts';

/** How long Snooze and Mute buttons silence an alert. */
export const SNOOZE_MS = 3_600_000;
export const MUTE_MS = 24 * 3_600_000;
/** Alert buttons live as long as a repeat cycle or two. */
const BUTTON_TTL_MS = 24 * 3_600_000;

const ICON: Record<AlertLevel, string> = { info: 'ℹ', warning: '⚠', critical: '🚨', emergency: '🆘' };
/** The chat command the Re-center button runs, with the LP position id as its first argument. */
export const RECENTER_COMMAND = 'recenter';

const ACTION_LABEL: Record<AlertAction, string> = { hedge: 'Hedge now', reduce: 'Protect', rebalance: 'Rebalance', recenter: 'Re-center' };
const ADVICE: Record<AlertAction, string> = {
  hedge: 'Hedge the delta or add collateral.',
  reduce: 'Protect cuts just enough to restore health, or add collateral.',
  rebalance: 'Rebalance towards your target weights.',
  recenter: 'Re-center moves the liquidity to a new range around the current price.',
};

interface RiskFigures {
  readonly var1d: number | null;
  readonly drawdown: number | null;
  readonly correlationExposure: number | null;
}

export interface AlertServiceDeps {
  readonly portfolio: PortfolioService;
  readonly risk: RiskService;
  readonly limits: LimitsService;
  readonly snapshots: SnapshotRepo;
  readonly settings: SettingsRepo;
  readonly audit: AuditRepo;
  readonly engine: AlertEngine;
  readonly notifications: NotificationService;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timeZone: string;
  /** How often positions refresh, ms (stale-data rule). */
  readonly refreshIntervalMs: number;
  readonly thresholds?: AlertThresholds;
}

/** Thresholds an admin may change with /thresholds set, with their ranges. */
export { EDITABLE_THRESHOLDS, type EditableThreshold };
const THRESHOLDS_KEY = SETTINGS.alertThresholds;
const TARGET_KEY = SETTINGS.targetWeights;
/** Seed 000: rebalance when any weight drifts more than 5 points from its target; re-armed below 4. */
/** Drift that raises the alert: the rebalance threshold (seed 000's 5 points). */
export const DRIFT_THRESHOLD = DEFAULT_REBALANCE_THRESHOLD;
export const DRIFT_LEAVE = 0.04;

export interface TargetWeights {
  /** Fractions summing to 1: shares of gross exposure long-only; long-short, signed (a short < 0, Σ|w| ≤ grossCap). */
  readonly weights: Readonly<Record<string, number>>;
  readonly source: string;
  readonly setAt: number;
  readonly setBy: string;
  /** Long-short: the gross cap the weights were made under, a fraction of capital (1.5 = 150%); null long-only. */
  readonly grossCap: number | null;
}

export class AlertService {
  readonly engine: AlertEngine;
  private readonly deps: AlertServiceDeps;
  private dispatcher: Dispatcher<unknown> | undefined;
  private opener: ((action: AlertAction, actor: Actor, chat: ChatRef) => Promise<Reply>) | undefined;
  private figures: RiskFigures = { var1d: null, drawdown: null, correlationExposure: null };

  constructor(deps: AlertServiceDeps) {
    this.deps = deps;
    this.engine = deps.engine;
  }

  /** Connects the button handler (the Dispatcher is built after the services). */
  attach<S>(dispatcher: Dispatcher<S>): void {
    this.dispatcher = dispatcher;
    dispatcher.registerHandler('alert', (ctx) => this.onPress(ctx));
  }
  /** What the action button (Hedge now / Protect / Rebalance) opens: a confirm card for the one who tapped. */
  onAction(opener: (action: AlertAction, actor: Actor, chat: ChatRef) => Promise<Reply>): void {
    this.opener = opener;
  }


  /**
   * Evaluates every rule and publishes what the engine says to send. `fullRisk` recomputes VaR, drawdown and
   * correlation (the cron path); without it the last figures are reused so a price tick is evaluated at once.
   */
  async evaluate(opts: { fullRisk: boolean } = { fullRisk: true }): Promise<AlertEvent[]> {
    const portfolio = await this.deps.portfolio.refresh();
    if (opts.fullRisk) await this.refreshFigures();
    const now = this.deps.clock.now();
    const limits = await this.deps.limits.get();
    const observations = evaluateRules({
      portfolio, ...this.figures, valueWindow: await this.valueWindow(portfolio, now), now,
      refreshIntervalMs: this.deps.refreshIntervalMs, limits,
    }, await this.thresholds(), await this.engine.levels());
    const events = await this.engine.evaluate(observations, now);
    for (const e of events) await this.publish(e);
    return events;
  }

  /** Re-sends alerts whose delivery was never confirmed (after a restart). */
  async retryUndelivered(): Promise<number> {
    const pending = await this.engine.undelivered();
    for (const e of pending) await this.publish(e);
    return pending.length;
  }

  private async refreshFigures(): Promise<void> {
    try {
      const { view, correlationExposure } = await this.deps.risk.violations();
      // Drawdown is the account's own (recorded equity), not the hypothetical backtest behind VaR.
      this.figures = { var1d: view.report.var1d.var, drawdown: await recordedDrawdown(this.deps.snapshots, view.portfolio.totalValueUsd, this.deps.clock.now()), correlationExposure };
    } catch (err) {
      // Without history the risk rules cannot run; the health rules still do.
      this.deps.logger.warn({ err }, 'risk figures unavailable for alerts');
    }
  }

  private async valueWindow(p: Portfolio, now: number): Promise<{ fromUsd: number; toUsd: number; minutes: number } | null> {
    const minutes = (await this.thresholds()).pnlMove.windowMinutes;
    const snaps = await this.deps.snapshots.list({ from: now - minutes * 60_000, to: now });
    const first = snaps[0];
    if (!first || now - first.at < (minutes * 60_000) / 2) return null;
    return { fromUsd: Number(first.totalValueUsd) / 1e6, toUsd: Number(p.totalValueUsd) / 1e6, minutes: Math.round((now - first.at) / 60_000) };
  }

  private async publish(e: AlertEvent): Promise<void> {
    const message = await this.message(e);
    await this.deps.notifications.publish({
      reply: message, level: e.kind === 'recovered' ? 'info' : e.level,
      onDelivered: async () => { await this.engine.markDelivered(e.key, e.id); },
    });
  }

  /** The alert as a chat message: what happened, how bad, the numbers, what to do, and buttons. */
  async message(e: AlertEvent): Promise<Reply> {
    const o = e.observation;
    if (e.kind === 'recovered') {
      return reply.of(reply.text(`✅ Recovered: ${o.title}`, 'title'), reply.text(o.detail), reply.muted(fmtTime(e.at, this.deps.timeZone)));
    }
    const verb = e.kind === 'escalated' ? 'Worse' : e.kind === 'repeat' ? 'Still' : 'Alert';
    const buttons: Button[] = [];
    if (this.dispatcher) {
      const group = newId();
      const make = (label: string, verbCode: string, style?: 'primary' | 'danger'): Promise<Button> => (this.dispatcher as Dispatcher<unknown>).makeButton({
        label, kind: 'alert', payload: { key: e.key, rule: o.rule, action: o.action ?? null, ...(o.positionId === undefined ? {} : { positionId: o.positionId }) },
        role: 'trader', actor: null, chat: { platform: 'console', chatId: 'alerts' }, verb: verbCode, ttlMs: BUTTON_TTL_MS, group, ...(style ? { style } : {}),
      });
      // Re-center acts on one position: without its id there is nothing to run.
      if (o.action && (o.action !== 'recenter' || o.positionId !== undefined)) buttons.push(await make(ACTION_LABEL[o.action], 'act', 'primary'));
      buttons.push(await make('Acknowledge', 'ack'), await make('Snooze 1h', 'snz'), await make('Mute rule', 'mute'));
    }
    return reply.of(
      reply.text(`${ICON[e.level]} ${verb} · ${e.level.toUpperCase()}: ${o.title}`, 'title'),
      reply.text(o.detail),
      o.action ? reply.text(ADVICE[o.action]) : null,
      reply.muted(`${fmtTime(e.at, this.deps.timeZone)} · ${e.level === 'critical' || e.level === 'emergency' ? 'repeats every 15 min until acknowledged' : 'rule ' + o.rule}`),
      buttons.length > 0 ? reply.buttons(buttons) : null,
    );
  }

  private async onPress(ctx: PressContext): Promise<PressResult> {
    const p = ctx.action.payload as { key?: unknown; rule?: unknown; action?: unknown; positionId?: unknown };
    if (typeof p.key !== 'string' || typeof p.rule !== 'string') throw new UserError('expired', 'This button is no longer valid.');
    const now = this.deps.clock.now();
    const who = actorKey(ctx.actor);
    switch (ctx.verb) {
      case 'ack': {
        const ok = await this.engine.acknowledge(p.key, who, now);
        return { reply: null, edit: false, toast: ok ? `Acknowledged by ${ctx.actor.displayName}: no more repeats.` : 'This alert is no longer active.' };
      }
      case 'snz':
        await this.engine.snooze(p.key, now + SNOOZE_MS);
        return { reply: null, edit: false, toast: 'Snoozed for 1 hour (emergencies still come through).' };
      case 'mute':
        await this.engine.mute(p.rule as AlertRule, now + MUTE_MS);
        return { reply: null, edit: false, toast: `Rule ${p.rule} muted for 24 hours. /alerts shows mutes.` };
      case 'act': {
        if (p.action === 'recenter') return this.recenter(ctx, p.positionId);
        if (!this.opener) throw new UserError('unavailable', 'Trading actions are not set up in this process.');
        const action: AlertAction = p.action === 'rebalance' ? 'rebalance' : p.action === 'hedge' ? 'hedge' : 'reduce';
        return { reply: await this.opener(action, ctx.actor, ctx.chat), edit: false };
      }
      default:
        throw new UserError('expired', 'This button is no longer valid.');
    }
  }

  /**
   * Re-center: runs `/recenter <position id>` for whoever tapped, as if typed (the command checks its own role and
   * arguments); its reply comes as a new message, the alert stays.
   */
  private async recenter(ctx: PressContext, positionId: unknown): Promise<PressResult> {
    if (typeof positionId !== 'string' || positionId === '' || !this.dispatcher) throw new UserError('expired', 'This button is no longer valid.');
    const r = await this.dispatcher.handleCommand({ actor: ctx.actor, chat: ctx.chat, name: RECENTER_COMMAND, argv: [positionId], via: 'button' });
    return { reply: r, edit: false };
  }

  /** Thresholds in force: the defaults with an admin's overrides. */
  async thresholds(): Promise<AlertThresholds> {
    const base = this.deps.thresholds ?? DEFAULT_THRESHOLDS;
    const raw: unknown = await this.deps.settings.get(THRESHOLDS_KEY);
    const o = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Partial<Record<EditableThreshold, number>>;
    return {
      ...base,
      health: { ...base.health, warning: o.health_warning ?? base.health.warning, critical: o.health_critical ?? base.health.critical, emergency: o.health_emergency ?? base.health.emergency },
      liquidationDistance: { ...base.liquidationDistance, warning: o.liq_warning ?? base.liquidationDistance.warning, critical: o.liq_critical ?? base.liquidationDistance.critical, emergency: o.liq_emergency ?? base.liquidationDistance.emergency },
      concentration: { ...base.concentration, warning: o.concentration ?? base.concentration.warning },
      pnlMove: { ...base.pnlMove, warning: o.pnl_move ?? base.pnlMove.warning },
      lpNearEdge: { ...base.lpNearEdge, bins: o.lp_near_edge_bins ?? base.lpNearEdge.bins },
      lpSkew: { ...base.lpSkew, warning: o.lp_skew ?? base.lpSkew.warning },
      lpOracleDivergence: { ...base.lpOracleDivergence, warning: o.lp_oracle_divergence ?? base.lpOracleDivergence.warning },
    };
  }

  /** Sets one editable threshold after range and ordering checks; returns the thresholds in force. */
  async setThreshold(name: string, value: number, by: string): Promise<AlertThresholds> {
    const key = name.toLowerCase() as EditableThreshold;
    // Own properties only: "__proto__" or "constructor" must not name a threshold through the prototype.
    const spec: ThresholdSpec | undefined = Object.hasOwn(EDITABLE_THRESHOLDS, key) ? EDITABLE_THRESHOLDS[key] : undefined;
    if (!spec) throw new UserError('bad_argument', `"${name}" is not a threshold.`, `Thresholds: ${Object.keys(EDITABLE_THRESHOLDS).join(', ')}`);
    const inRange = spec.exclusive ? value > spec.min && value < spec.max : value >= spec.min && value <= spec.max;
    if (!Number.isFinite(value) || !inRange || (spec.integer === true && !Number.isInteger(value))) {
      const expected = spec.integer ? `a whole number from ${spec.min} to ${spec.max}`
        : spec.exclusive ? `a value between ${spec.min} and ${spec.max}, both excluded` : `a value from ${spec.min} to ${spec.max}`;
      throw new UserError('bad_argument', `${key}: expected ${expected}, got ${value}.`);
    }
    const raw: unknown = await this.deps.settings.get(THRESHOLDS_KEY);
    const next = { ...(raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}), [key]: value } as Record<string, number>;
    const tiers = (p: string, d: { warning: number; critical: number | null; emergency: number | null }): [number, number, number] =>
      [next[`${p}_warning`] ?? d.warning, next[`${p}_critical`] ?? d.critical ?? 0, next[`${p}_emergency`] ?? d.emergency ?? 0];
    const base = this.deps.thresholds ?? DEFAULT_THRESHOLDS;
    for (const [p, d] of [['health', base.health], ['liq', base.liquidationDistance]] as const) {
      const [w, c, e] = tiers(p, d);
      if (!(w > c && c > e)) throw new UserError('bad_argument', `${p} tiers must fall in order: warning > critical > emergency (would be ${w} / ${c} / ${e}).`);
    }
    await this.deps.settings.set(THRESHOLDS_KEY, next);
    await this.deps.audit.append({ at: this.deps.clock.now(), actor: by, action: 'thresholds.set', detail: { key, to: value } });
    return this.thresholds();
  }

  /** Mutes a rule for `ms` milliseconds (0 unmutes); returns when it ends (null: unmuted). */
  async muteRule(rule: AlertRule, ms: number): Promise<number | null> {
    const until = ms === 0 ? null : this.deps.clock.now() + ms;
    await this.engine.mute(rule, until);
    return until;
  }

  /** Snoozes every alert for `ms` milliseconds (0 ends the snooze); returns when it ends (null: ended). */
  async snoozeAll(ms: number): Promise<number | null> {
    const until = ms === 0 ? this.deps.clock.now() : this.deps.clock.now() + ms;
    await this.engine.snooze('all', until);
    return ms === 0 ? null : until;
  }

  /**
   * Stores target weights (fractions of the risky book summing to 1) for the drift check: long-only (≥ 0), or with
   * `grossCap` (a fraction of capital) long-short — signed, Σ|w| ≤ grossCap — validated as every oracle's are.
   */
  async setTargetWeights(weights: Readonly<Record<string, number>>, source: string, by: string, grossCap: number | null = null): Promise<TargetWeights> {
    const checked = validateWeights(weights, {
      knownAssets: Object.keys(weights), source: 'target weights',
      ...(grossCap === null ? {} : { allowShort: true, maxGross: checkedGross(grossCap) }),
    });
    const t: TargetWeights = { weights: { ...checked }, source, setAt: this.deps.clock.now(), setBy: by, grossCap };
    await this.deps.settings.set(TARGET_KEY, { weights: { ...t.weights }, source, setAt: t.setAt, setBy: by, ...(grossCap === null ? {} : { grossCap }) });
    await this.deps.audit.append({ at: t.setAt, actor: by, action: 'target.set', detail: { source, weights: { ...t.weights }, grossCap } });
    return t;
  }

  async clearTargetWeights(by: string): Promise<void> {
    await this.deps.settings.delete(TARGET_KEY);
    await this.deps.audit.append({ at: this.deps.clock.now(), actor: by, action: 'target.clear', detail: {} });
  }

  async targetWeights(): Promise<TargetWeights | null> {
    const raw: unknown = await this.deps.settings.get(TARGET_KEY);
    const r = raw as Partial<TargetWeights> | undefined;
    if (!r || typeof r !== 'object' || !r.weights || typeof r.weights !== 'object') return null;
    // Targets stored before long-short existed have no grossCap: long-only.
    const grossCap = typeof r.grossCap === 'number' && Number.isFinite(r.grossCap) ? r.grossCap : null;
    return { weights: r.weights, source: String(r.source ?? ''), setAt: Number(r.setAt ?? 0), setBy: String(r.setBy ?? ''), grossCap };
  }

  /**
   * Current weights of the risky book by asset against the target; null without a target. Long-only: shares of gross
   * exposure. Long-short: signed weights (net exposure / the book's, src/app/views.ts), as the target's are — NaN, and
   * `max` Infinity, when the book's net exposure is not positive (no weights to compare).
   */
  async drift(): Promise<{ target: TargetWeights; rows: { asset: string; current: number; target: number; drift: number }[]; max: number } | null> {
    const target = await this.targetWeights();
    if (!target) return null;
    const p = await this.deps.portfolio.refresh();
    const exposure = assetExposures(p.positions);
    const assets = [...new Set([...Object.keys(target.weights), ...exposure.keys()])].sort();
    const current = target.grossCap === null ? grossWeights(exposure, assets) : signedWeights(signedExposures(p.positions), assets);
    const rows = assets.map((asset, i) => {
      const t = target.weights[asset] ?? 0;
      return { asset, current: current[i] ?? 0, target: t, drift: (current[i] ?? 0) - t };
    }).sort((a, b) => Math.abs(b.drift) - Math.abs(a.drift));
    return { target, rows, max: rows.some((r) => Number.isNaN(r.drift)) ? Infinity : Math.abs(rows[0]?.drift ?? 0) };
  }

  /** The drift job: a 'drift' alert (with a Rebalance button) when any weight is more than 5 points off target. */
  async checkDrift(): Promise<AlertEvent[]> {
    const d = await this.drift();
    if (!d) return [];
    const key = alertKey(DEFAULT_ACCOUNT, 'drift');
    const previous = (await this.engine.levels()).get(key) ?? 'ok';
    const level = d.max > DRIFT_THRESHOLD || (previous !== 'ok' && d.max > DRIFT_LEAVE) ? 'warning' : 'ok';
    const top = d.rows.slice(0, 3).map((r) => `${r.asset} ${fmtPct(r.current, 1)} vs ${fmtPct(r.target, 1)}`).join(', ');
    // A long-short target on a book that is not net long: no weights to compare, as far off as it gets (100 points).
    const measured = Number.isFinite(d.max);
    const events = await this.engine.evaluate([{
      key, rule: 'drift', level, value: measured ? d.max : 1, threshold: DRIFT_THRESHOLD,
      title: level === 'ok' ? `Weights within ${fmtPct(DRIFT_THRESHOLD, 0)} of target` : measured ? `Rebalance drift ${fmtPct(d.max, 1)}` : 'Rebalance drift: the book is not net long',
      detail: measured ? `Largest drifts from the ${d.target.source} target: ${top}.` : `The ${d.target.source} target's weights are net exposure / the book's, and the book's net exposure is not above 0.`,
      ...(level === 'ok' ? {} : { action: 'rebalance' as const }),
    }], this.deps.clock.now());
    for (const e of events) await this.publish(e);
    return events;
  }

  /** Active alerts and silences, for /alerts. */
  async overview(): Promise<{ active: ActiveAlert[]; mutes: Partial<Record<AlertRule, number>>; snoozeUntil: number | null }> {
    const now = this.deps.clock.now();
    const [active, s] = await Promise.all([this.engine.active(), this.engine.silences(now)]);
    return { active, mutes: s.mutes, snoozeUntil: s.snoozeUntil };
  }
}
