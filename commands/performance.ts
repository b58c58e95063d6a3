import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply } from '../src/core/index.ts';
import { fmtPct, fmtRatio, fmtSignedPct, fmtTime } from '../src/shared/format.ts';

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
          ['Return', `${fmtSignedPct(m.totalReturn)} (${fmtSignedPct(m.annualizedReturn, 1)} a year)`],
          ['Volatility', `${fmtPct(m.volatility, 1)} a year`],
          ['Sharpe · Sortino', `${fmtRatio(m.sharpeRatio, 'no volatility in the window')} · ${fmtRatio(m.sortinoRatio, 'no downside in the window')}`],
          ['Calmar', fmtRatio(m.calmarRatio, 'no drawdown in the window')],
          ['Max drawdown', fmtPct(m.maxDrawdown, 1)],
          ['Trades', m.totalTrades === 0 ? 'none closed' : `${m.totalTrades} (${fmtPct(m.winRate, 0)} won, profit factor ${m.profitFactor === Infinity ? '∞ (no losing trade)' : m.profitFactor.toFixed(2)})`],
        ]),
      );
    }
    // Not enough recorded history yet: show how today's positions would have done over the risk window, labelled as such.
    const { report: r } = await services.risk.report();
    const total = r.backtestReturns.reduce((g, x) => g * (1 + x), 1) - 1;
    return reply.of(
      reply.title(`Performance · ${args.period}`),
      reply.text(`Only ${v.points} snapshot${v.points === 1 ? '' : 's'} recorded so far; Vigil records one every 5 minutes while it runs (MONITOR_SNAPSHOT_CRON).`, 'warning'),
      reply.text(`Not your record: today’s positions, if held for the last ${r.days} days`, 'title'),
      reply.fields([
        ['Return', fmtSignedPct(total)],
        ['Volatility', `${fmtPct(r.volAnnual, 1)} a year`],
        ['Sharpe · Sortino', `${fmtRatio(r.sharpe, 'no volatility in the window')} · ${fmtRatio(r.sortino, 'no downside in the window')}`],
        ['Calmar', fmtRatio(r.calmar, 'no drawdown in the window')],
        ['Max drawdown', fmtPct(r.maxDrawdown, 1)],
      ]),
    );
  },
});
