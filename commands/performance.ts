import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply } from '../src/core/index.ts';
import type { PerformanceMetrics } from '../src/app/performance.ts';
import { fmtPct, fmtRatio, fmtSignedPct, fmtTime } from '../src/shared/format.ts';

/** Return, volatility, ratios and drawdown: the same rows for the record and for the backtest. */
function metricRows(m: PerformanceMetrics): [string, string][] {
  return [
    ['Return', `${fmtSignedPct(m.totalReturn)} (${fmtSignedPct(m.annualizedReturn, 1)} a year)`],
    ['Volatility', `${fmtPct(m.volatility, 1)} a year`],
    ['Sharpe · Sortino', `${fmtRatio(m.sharpeRatio, 'no volatility in the window')} · ${fmtRatio(m.sortinoRatio, 'no downside in the window')}`],
    ['Calmar', fmtRatio(m.calmarRatio, 'no drawdown in the window')],
    ['Max drawdown', fmtPct(m.maxDrawdown, 1)],
  ];
}

const DAYS = { '7d': 7, '30d': 30, '90d': 90, '365d': 365, all: 36_500 } as const;

export default defineCommand<AppServices>()({
  name: 'performance',
  description: 'Return, volatility, Sharpe/Sortino/Calmar, drawdown and trade stats for a period',
  role: 'viewer',
  group: 'Risk',
  args: { period: arg.enum({ values: ['7d', '30d', '90d', '365d', 'all'], default: '30d', description: 'Period' }) },
  async run({ args, services }) {
    const v = await services.performance.view(DAYS[args.period]);
    const tz = services.runtime.timeZone;
    if (v.metrics) {
      const m = v.metrics;
      return reply.of(
        reply.title(`Performance · ${args.period}`),
        reply.muted(`${v.points} ${v.grid} points recorded, ${fmtTime(v.from, tz)} → ${fmtTime(v.to, tz)}`),
        reply.fields([
          ...metricRows(m),
          ['Trades', m.totalTrades === 0 ? 'none closed' : `${m.totalTrades} (${fmtPct(m.winRate, 0)} won, profit factor ${m.profitFactor === Infinity ? '∞ (no losing trade)' : m.profitFactor.toFixed(2)})`],
        ]),
      );
    }
    // Not enough recorded history yet: show how today's positions would have done over the same period, labelled as such.
    const b = await services.risk.backtestPerformance(DAYS[args.period]);
    return reply.of(
      reply.title(`Performance · ${args.period}`),
      reply.text(`Only ${v.points} snapshot${v.points === 1 ? '' : 's'} recorded so far; Vigil records one every 5 minutes while it runs (MONITOR_SNAPSHOT_CRON).`, 'warning'),
      reply.text(`Not your record: today’s positions, if held for the last ${b.days} days`, 'title'),
      reply.fields(metricRows(b.metrics)),
      args.period === 'all' || b.days < DAYS[args.period] ? reply.muted(`The price history covers ${b.days} days.`) : null,
    );
  },
});
