import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply } from '../src/core/index.ts';
import { fmtPct, fmtSignedPct, fmtTime } from '../src/shared/format.ts';

/** A risk ratio: NaN means undefined (its denominator vanished, src/risk/ratios.ts), shown as n/a with the reason. */
const ratio = (x: number, why: string): string => (Number.isNaN(x) ? `n/a (${why})` : x.toFixed(2));

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
          ['Sharpe · Sortino', `${ratio(m.sharpeRatio, 'no volatility in the window')} · ${ratio(m.sortinoRatio, 'no downside in the window')}`],
          ['Calmar', ratio(m.calmarRatio, 'no drawdown in the window')],
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
      reply.text(`Only ${v.points} snapshot${v.points === 1 ? '' : 's'} recorded so far; Vigil records one a minute while it runs.`, 'warning'),
      reply.text(`Hypothetical: today’s positions held over the last ${r.days} days`, 'title'),
      reply.fields([
        ['Return', fmtSignedPct(total)],
        ['Volatility', `${fmtPct(r.volAnnual, 1)} a year`],
        ['Sharpe · Sortino', `${ratio(r.sharpe, 'no volatility in the window')} · ${ratio(r.sortino, 'no downside in the window')}`],
        ['Calmar', ratio(r.calmar, 'no drawdown in the window')],
        ['Max drawdown', fmtPct(r.maxDrawdown, 1)],
      ]),
    );
  },
});
