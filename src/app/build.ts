/** Builds the Dispatcher and services from their parts (used by main and by tests, so both run the same wiring). */
import type { AnyCommand } from '../core/command.ts';
import { usageLine } from '../core/args.ts';
import { Dispatcher } from '../core/dispatcher.ts';
import { ApprovalGate, DEFAULT_GATE, type Confirmer } from '../approvals/gate.ts';
import type { Clock, LiquidityVenue, PositionSource, PriceHistory, Repositories, TradeExecutor } from '../ports/index.ts';
import type { Logger } from '../shared/logger.ts';
import { ActionService, type ActionServiceDeps } from './actions/service.ts';
import { AlertService } from './alert-service.ts';
import { AlertEngine, type AlertThresholds } from './alerts/index.ts';
import { AnalyticsService } from './analytics.ts';
import { ChartService } from './charts.ts';
import { LimitsService } from './limits.ts';
import { NotificationService } from './notifications.ts';
import { OracleService } from './oracles.ts';
import { PerformanceTracker } from './performance.ts';
import { PortfolioService } from './portfolio.ts';
import { RiskService, type RiskSettings } from './risk-service.ts';
import type { AppServices, RuntimeInfo } from './services.ts';
import { healthView, positionViews } from './views.ts';
import { findLp, lpViews } from './lp-view.ts';
import { suggestionSource } from './suggestions.ts';
import { UserError } from '../shared/errors.ts';

export interface AppParts {
  readonly commands: readonly AnyCommand<AppServices>[];
  readonly sources: readonly PositionSource[];
  readonly history: PriceHistory;
  readonly repos: Repositories;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly runtime: RuntimeInfo;
  readonly risk?: Partial<RiskSettings>;
  /** How often the monitor refreshes positions, ms (the stale-data rule); default 10 s. */
  readonly refreshIntervalMs?: number;
  /** Least time between two alert messages to one chat, ms (default 1 s, Telegram's per-chat pace). */
  readonly notificationSpacingMs?: number;
  /** First wait before retrying a failed delivery (ms; doubles each time). */
  readonly notificationBackoffMs?: number;
  /** Alert thresholds, cooldowns and repeat interval (defaults: DEFAULT_THRESHOLDS). */
  readonly alertThresholds?: AlertThresholds;
  /** Venues' trade executors (their markets are what planners may trade). */
  readonly executors?: readonly TradeExecutor[];
  /** Venues that manage liquidity positions (Saros): what /recenter plans with. */
  readonly liquidity?: readonly LiquidityVenue[];
  /** Slippage allowed on a re-center's swap, bps (SAROS_SLIPPAGE_BPS; the venue's default when absent). */
  readonly recenterSlippageBps?: number;
  /** Confirm-gate settings (defaults: DEFAULT_GATE; the mode comes from runtime.executionMode). */
  readonly approvals?: Partial<ApprovalSettings>;
  /** Directory static: and signals: oracle files must be in (default: ./weights). */
  readonly oracleBaseDir?: string;
  /** Hosts (names, IPs, CIDRs) signals:URL may reach even when private (WEIGHTS_URL_ALLOW). */
  readonly oracleUrlAllow?: readonly string[];
  /** Smallest rebalance trade, USD (default 25). */
  readonly rebalanceMinTradeUsd?: number;
}

export interface ApprovalSettings {
  readonly ttlMs: number;
  readonly priceToleranceBps: number;
  readonly confirmer: Confirmer;
  /** USD. */
  readonly maxNotionalPerActionUsd: number;
  readonly maxNotionalPerDayUsd: number;
}

export interface App {
  readonly services: AppServices;
  readonly dispatcher: Dispatcher<AppServices>;
}

export function buildApp(parts: AppParts): App {
  const portfolio = new PortfolioService(parts.sources, parts.clock, parts.logger);
  const limits = new LimitsService(parts.repos.settings, parts.repos.audit, parts.clock);
  const risk = new RiskService({ portfolio, history: parts.history, limits, clock: parts.clock, snapshots: parts.repos.snapshots, ...(parts.risk ? { settings: parts.risk } : {}) });
  const performance = new PerformanceTracker({ snapshots: parts.repos.snapshots, portfolio, clock: parts.clock, approvals: parts.repos.approvals });
  const analytics = new AnalyticsService({ portfolio, history: parts.history, limits, clock: parts.clock, settings: risk.settings });
  const oracles = new OracleService({
    portfolio, history: parts.history, limits, clock: parts.clock, settings: risk.settings, ...(parts.oracleBaseDir ? { baseDir: parts.oracleBaseDir } : {}), ...(parts.oracleUrlAllow ? { signals: { urlAllow: parts.oracleUrlAllow } } : {}),
  });
  const charts = new ChartService({ portfolio, risk, performance });
  const notifications = new NotificationService({
    notifiers: [], settings: parts.repos.settings, clock: parts.clock, logger: parts.logger,
    ...(parts.notificationSpacingMs !== undefined ? { perChatIntervalMs: parts.notificationSpacingMs } : {}),
    ...(parts.notificationBackoffMs !== undefined ? { backoffMs: parts.notificationBackoffMs } : {}),
  });
  const alerts = new AlertService({
    portfolio, risk, limits, snapshots: parts.repos.snapshots, settings: parts.repos.settings, audit: parts.repos.audit, engine: new AlertEngine(parts.repos.alerts, parts.alertThresholds), notifications,
    ...(parts.alertThresholds ? { thresholds: parts.alertThresholds } : {}),
    clock: parts.clock, logger: parts.logger, timeZone: parts.runtime.timeZone, refreshIntervalMs: parts.refreshIntervalMs ?? 10_000,
  });
  const executors = parts.executors ?? [];
  const gate = new ApprovalGate({
    repo: parts.repos.approvals, audit: parts.repos.audit, clock: parts.clock, logger: parts.logger, executors, mode: parts.runtime.executionMode,
    ttlMs: parts.approvals?.ttlMs ?? DEFAULT_GATE.ttlMs,
    priceToleranceBps: parts.approvals?.priceToleranceBps ?? DEFAULT_GATE.priceToleranceBps,
    confirmer: parts.approvals?.confirmer ?? DEFAULT_GATE.confirmer,
    maxNotionalPerActionUsd: parts.approvals?.maxNotionalPerActionUsd !== undefined ? BigInt(Math.round(parts.approvals.maxNotionalPerActionUsd * 1e6)) : DEFAULT_GATE.maxNotionalPerActionUsd,
    maxNotionalPerDayUsd: parts.approvals?.maxNotionalPerDayUsd !== undefined ? BigInt(Math.round(parts.approvals.maxNotionalPerDayUsd * 1e6)) : DEFAULT_GATE.maxNotionalPerDayUsd,
  });
  // Liquidity actions go to the venue that holds the position, or (a pool by name) the one liquidity venue there is.
  const holding = (positionId: string): LiquidityVenue => {
    const venue = (parts.liquidity ?? []).find((v) => positionId.startsWith(`${v.venue}:`));
    if (!venue) throw new UserError('unavailable', 'Liquidity actions work on Saros positions (SAROS_WALLETS); this position is not one.');
    return venue;
  };
  const pools = (): LiquidityVenue => {
    const [only] = parts.liquidity ?? [];
    if (!only) throw new UserError('unavailable', 'Liquidity actions need Saros (SAROS_WALLETS): no liquidity venue is connected.');
    return only;
  };
  const liquidity: ActionServiceDeps['liquidity'] = {
    previewRecenter: (id, o) => holding(id).previewRecenter(id, o),
    previewWithdraw: (id, o) => holding(id).previewWithdraw(id, o),
    previewDeposit: (pool, o) => pools().previewDeposit(pool, o),
    previewSwap: (pool, o) => pools().previewSwap(pool, o),
  };
  const actions = new ActionService({
    portfolio, history: parts.history, limits, oracles, alerts, notifications, gate, executors, clock: parts.clock, logger: parts.logger,
    timeZone: parts.runtime.timeZone, lookbackDays: risk.settings.lookbackDays, rebalance: { minTradeUsd: parts.rebalanceMinTradeUsd ?? 25 },
    liquidity, ...(parts.recenterSlippageBps !== undefined ? { recenterSlippageBps: parts.recenterSlippageBps } : {}),
  });
  const services: AppServices = {
    portfolio,
    risk,
    limits,
    performance,
    analytics,
    oracles,
    charts,
    notifications,
    alerts,
    actions,
    monitor: { jobs: () => [] },
    history: parts.history,
    clock: parts.clock,
    runtime: parts.runtime,
    commands: () => parts.commands.map((c) => ({
      name: c.name, description: c.description, role: c.role, usage: usageLine(c.name, c.args),
      args: Object.entries(c.args).map(([name, a]) => ({
        name, description: a.description, expected: a.expected,
        ...(typeof a.default === 'string' || typeof a.default === 'number' ? { default: String(a.default) } : {}),
      })),
      ...(c.help ? { help: c.help } : {}), ...(c.group ? { group: c.group } : {}),
    })),
    views: { positions: positionViews, health: healthView, lps: lpViews, findLp },
    liquidity: { previewRecenter: liquidity.previewRecenter },
  };
  const dispatcher = new Dispatcher<AppServices>({
    commands: parts.commands, services, actions: parts.repos.actions, clock: parts.clock, logger: parts.logger,
    suggestions: suggestionSource({ portfolio, actions }),
  });
  alerts.attach(dispatcher);
  actions.attach(dispatcher);
  alerts.onAction((action, actor, chat) => action === 'hedge' ? actions.hedge({ asset: null, targetUsd: null, keep: null }, actor, chat)
    : action === 'reduce' ? actions.protect(null, actor, chat) : actions.rebalance(null, actor, chat));
  return { services, dispatcher };
}
