/** The series behind each /chart kind, computed here and handed to src/charts to draw. */
import {
  renderAllocation, renderCorrelationHeatmap, renderDrawdown, renderEquityCurve,
} from '../charts/index.ts';
import { DAY_MS } from './history.ts';
import { positionViews } from './views.ts';
import type { PerformanceTracker } from './performance.ts';
import type { PortfolioService } from './portfolio.ts';
import type { RiskService } from './risk-service.ts';

export type ChartKind = 'equity' | 'drawdown' | 'allocation' | 'correlation';

export interface ChartImage {
  readonly png: Uint8Array;
  readonly alt: string;
  readonly filename: string;
}

export class ChartService {
  private readonly portfolio: PortfolioService;
  private readonly risk: RiskService;
  private readonly performance: PerformanceTracker;

  constructor(deps: { portfolio: PortfolioService; risk: RiskService; performance: PerformanceTracker }) {
    this.portfolio = deps.portfolio;
    this.risk = deps.risk;
    this.performance = deps.performance;
  }

  /** Equity series: recorded snapshots when there are enough, else today's positions over the risk window. */
  private async equity(): Promise<{ t: number[]; value: number[]; recorded: boolean }> {
    const recorded = await this.performance.view(365);
    if (recorded.points >= 3) return { t: [...recorded.equity.t], value: [...recorded.equity.value], recorded: true };
    const { report, history } = await this.risk.report();
    // Today's exposures held through the window, scaled to today's equity; a wiped-out path stays at 0.
    const value = report.backtestReturns.reduce<number[]>((acc, r) => { acc.push(Math.max(0, (acc[acc.length - 1] as number) * (1 + r))); return acc; }, [1]);
    const t = history.t.slice(history.t.length - value.length);
    return { t: [...t], value: value.map((v) => v * report.equityUsd), recorded: false };
  }

  async render(kind: ChartKind): Promise<ChartImage> {
    if (kind === 'equity' || kind === 'drawdown') {
      const e = await this.equity();
      const days = e.t.length > 1 ? Math.round(((e.t[e.t.length - 1] ?? 0) - (e.t[0] ?? 0)) / DAY_MS) : 0;
      const label = e.recorded ? 'recorded' : `today’s positions if held for the last ${days} days`;
      if (kind === 'equity') {
        return { png: await renderEquityCurve({ t: e.t, value: e.value, title: 'Equity', subtitle: label }), alt: `Equity curve (${label})`, filename: 'equity.png' };
      }
      let peak = -Infinity;
      const dd = e.value.map((v) => { peak = Math.max(peak, v); return peak > 0 ? v / peak - 1 : 0; });
      const worst = Math.min(...dd);
      const subtitle = `Max ${(worst * 100).toFixed(1)}% · now ${((dd[dd.length - 1] ?? 0) * 100).toFixed(1)}% · ${label}`;
      return { png: await renderDrawdown({ t: e.t, drawdown: dd, title: 'Drawdown', subtitle }), alt: `Drawdown (${subtitle})`, filename: 'drawdown.png' };
    }
    if (kind === 'allocation') {
      const p = await this.portfolio.refresh();
      // The same shares as /positions: each non-cash position's exposure over the gross exposure.
      const rows = positionViews(p).filter((v) => v.share > 0).map((v) => ({ label: v.position.kind === 'lp' ? `${v.position.market} LP` : v.position.market, share: v.share }));
      return {
        png: await renderAllocation({ labels: rows.map((r) => r.label), weights: rows.map((r) => r.share), title: 'Allocation', subtitle: 'share of gross exposure' }),
        alt: 'Allocation by gross exposure', filename: 'allocation.png',
      };
    }
    const { report } = await this.risk.report();
    return {
      png: await renderCorrelationHeatmap({ labels: [...report.correlation.assets], matrix: report.correlation.matrix.map((r) => [...r]), title: 'Correlation', subtitle: `${report.days} days of daily returns` }),
      alt: 'Correlation heat map', filename: 'correlation.png',
    };
  }
}
