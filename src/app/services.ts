/** What commands may use. Commands import this file by type only. */
import type { ExecutionMode, Portfolio, Role } from '../domain/index.ts';
import type { Clock, PriceHistory } from '../ports/index.ts';
import type { ActionService } from './actions/service.ts';
import type { AlertService } from './alert-service.ts';
import type { AnalyticsService } from './analytics.ts';
import type { ChartService } from './charts.ts';
import type { LimitsService } from './limits.ts';
import type { NotificationService } from './notifications.ts';
import type { OracleService } from './oracles.ts';
import type { PerformanceTracker } from './performance.ts';
import type { PortfolioService } from './portfolio.ts';
import type { RiskService } from './risk-service.ts';
import type { HealthView, PositionView } from './views.ts';
import type { LpView } from './lp-view.ts';
import type { LiquidityShape, LiquidityPreview } from '../ports/index.ts';

/** What /recenter shows (commands take port types through the app layer). */
export type { LiquidityShape, RangeState, LiquidityPreview, LiquidityStep } from '../ports/index.ts';

export interface CommandInfo {
  readonly name: string;
  readonly description: string;
  readonly role: Role;
  readonly usage: string;
  /** Each argument: what it is and what it accepts ("one of …", "a time such as 10d …"), and its default. */
  readonly args: readonly { readonly name: string; readonly description: string; readonly expected: string; readonly default?: string }[];
  readonly help?: string;
  readonly group?: string;
}

export interface RuntimeInfo {
  readonly version: string;
  readonly venueMode: 'paper' | 'live';
  readonly executionMode: ExecutionMode;
  readonly transport: string;
  readonly startedAt: number;
  readonly timeZone: string;
  readonly storage: string;
}

/** What /status shows of the monitor's jobs (filled in by main once the scheduler exists). */
export interface MonitorStatus {
  jobs: () => readonly { readonly name: string; readonly cron: string; readonly lastEnd: number | null; readonly lastOk: boolean | null; readonly runs: number; readonly failures: number; readonly lastError?: string }[];
}

export interface AppServices {
  readonly portfolio: PortfolioService;
  readonly risk: RiskService;
  readonly limits: LimitsService;
  readonly performance: PerformanceTracker;
  readonly analytics: AnalyticsService;
  readonly oracles: OracleService;
  readonly charts: ChartService;
  readonly notifications: NotificationService;
  readonly alerts: AlertService;
  readonly actions: ActionService;
  readonly monitor: MonitorStatus;
  readonly history: PriceHistory;
  readonly clock: Clock;
  readonly runtime: RuntimeInfo;
  /** Liquidity positions' actions, by the venue that holds the position. */
  readonly liquidity: {
    previewRecenter(positionId: string, o: { readonly width?: number; readonly shape: LiquidityShape }): Promise<LiquidityPreview>;
  };
  /** Commands as /help lists them. */
  commands(): readonly CommandInfo[];
  readonly views: {
    positions(p: Portfolio): PositionView[];
    health(p: Portfolio): HealthView;
    lps(p: Portfolio): LpView[];
    /** The LP a user named (its number in /lp, or the start of its id/address); undefined if none or ambiguous. */
    findLp(views: readonly LpView[], ref: string): LpView | undefined;
  };
}
