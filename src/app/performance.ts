/** PerformanceTracker: records portfolio snapshots and measures performance (seed 003 PerformanceMetrics) from them. */
import type { PortfolioSnapshot } from '../domain/index.ts';
import type { ApprovalRepo, Clock, SnapshotRepo } from '../ports/index.ts';
import { performanceMetrics, type PerformanceMetrics } from '../risk/performance.ts';

export type { PerformanceMetrics };
import type { PortfolioService } from './portfolio.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface PerformanceView {
  /** Grid the snapshots were resampled to, and its periods per year. */
  readonly grid: 'daily' | 'hourly' | 'raw';
  readonly periodsPerYear: number;
  readonly points: number;
  readonly from: number;
  readonly to: number;
  readonly equity: { readonly t: readonly number[]; readonly value: readonly number[] };
  /** Null with fewer than three resampled points. */
  readonly metrics: PerformanceMetrics | null;
}

/** Last value of each `step`-wide bucket, oldest first. */
function resample(snaps: readonly PortfolioSnapshot[], step: number): { t: number[]; value: number[] } {
  const t: number[] = [];
  const value: number[] = [];
  for (const s of snaps) {
    const bucket = Math.floor(s.at / step) * step;
    const v = Number(s.totalValueUsd) / 1e6;
    if (t.length > 0 && t[t.length - 1] === bucket) value[value.length - 1] = v;
    else {
      t.push(bucket);
      value.push(v);
    }
  }
  return { t, value };
}

export class PerformanceTracker {
  private readonly snapshots: SnapshotRepo;
  private readonly portfolio: PortfolioService;
  private readonly clock: Clock;
  private readonly approvals: ApprovalRepo | undefined;

  constructor(deps: { snapshots: SnapshotRepo; portfolio: PortfolioService; clock: Clock; approvals?: ApprovalRepo }) {
    this.snapshots = deps.snapshots;
    this.portfolio = deps.portfolio;
    this.clock = deps.clock;
    this.approvals = deps.approvals;
  }

  /**
   * Closed trades since `from`, USD, net of fees: every fill of an executed plan (not a dry run) that realised PnL,
   * i.e. that reduced or closed a position. Fills that only open or add are not closed trades.
   */
  async closedTrades(from: number): Promise<number[]> {
    if (!this.approvals) return [];
    const rows = await this.approvals.list({ states: ['executed'], since: from });
    const out: { at: number; pnl: number }[] = [];
    for (const r of rows) {
      if (r.approval.dryRun || r.approval.updatedAt < from) continue;
      for (const f of r.approval.fills) {
        if (f.realizedPnlUsd === undefined || f.realizedPnlUsd === 0n) continue;
        out.push({ at: r.approval.updatedAt, pnl: Number(f.realizedPnlUsd - f.feeUsd) / 1e6 });
      }
    }
    return out.sort((a, b) => a.at - b.at).map((x) => x.pnl);
  }

  /** Stores a snapshot of the current portfolio. */
  async record(): Promise<PortfolioSnapshot> {
    const p = await this.portfolio.refresh();
    const snap: PortfolioSnapshot = {
      at: p.asOf || this.clock.now(), totalValueUsd: p.totalValueUsd, unrealizedPnlUsd: p.unrealizedPnlUsd,
      realizedPnlUsd: p.realizedPnlUsd, health: p.health, leverage: p.leverage, prices: p.prices,
    };
    await this.snapshots.append(snap);
    return snap;
  }

  /**
   * Performance over the last `days` days of recorded snapshots (daily grid when they span ≥ 3 days); trade statistics
   * from `tradePnls`, by default the closed trades of executed plans in the period.
   */
  async view(days: number, tradePnls?: readonly number[]): Promise<PerformanceView> {
    const to = this.clock.now();
    const trades = tradePnls ?? (await this.closedTrades(to - days * DAY));
    const snaps = await this.snapshots.list({ from: to - days * DAY, to });
    const span = snaps.length > 1 ? (snaps[snaps.length - 1]?.at ?? 0) - (snaps[0]?.at ?? 0) : 0;
    let grid: PerformanceView['grid'] = 'raw';
    let series = { t: snaps.map((s) => s.at), value: snaps.map((s) => Number(s.totalValueUsd) / 1e6) };
    let periodsPerYear = 0;
    if (span >= 3 * DAY) {
      grid = 'daily';
      series = resample(snaps, DAY);
      periodsPerYear = 365;
    } else if (span >= 3 * HOUR) {
      grid = 'hourly';
      series = resample(snaps, HOUR);
      periodsPerYear = 8760;
    } else if (snaps.length > 1) {
      periodsPerYear = (365 * DAY) / (span / (snaps.length - 1));
    }
    const returns = series.value.slice(1).map((v, i) => v / (series.value[i] as number) - 1);
    const usable = returns.length >= 2 && series.value.every((v) => v > 0);
    return {
      grid, periodsPerYear, points: series.t.length, from: series.t[0] ?? to, to: series.t[series.t.length - 1] ?? to, equity: series,
      metrics: usable ? performanceMetrics(returns, trades, periodsPerYear) : null,
    };
  }
}
