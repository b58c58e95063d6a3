import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply, UserError } from '../src/core/index.ts';
import { fmtPct, fmtRatio, fmtTime, fmtUsd, fmtUsdCompact } from '../src/shared/format.ts';
import { usdFromNumber } from '../src/shared/money.ts';

const usd = (x: number): string => fmtUsd(usdFromNumber(x));

export default defineCommand<AppServices>()({
  name: 'risk',
  description: 'VaR and ES (historical, parametric, Monte Carlo), vol, ratios, betas, top contributors',
  role: 'viewer',
  group: 'Risk',
  help: 'Confidence as 95, 0.95 or 95%. Method "t" runs Monte Carlo with Student-t (ν = 5) tails.',
  args: {
    horizon: arg.duration({ unit: 'd', integer: true, min: 1, max: 30, default: 1, description: 'Horizon: 1d to 30d' }),
    confidence: arg.number({ min: 0.5, max: 99.9, default: 0.95, description: 'Confidence level' }),
    method: arg.enum({
      values: ['all', 'historical', 'parametric', 'montecarlo', 't'], aliases: { hist: 'historical', param: 'parametric', mc: 'montecarlo' },
      default: 'all', description: 'VaR method',
    }),
  },
  async run({ args, services, buttons }) {
    const confidence = args.confidence > 1 ? args.confidence / 100 : args.confidence;
    if (confidence < 0.5 || confidence >= 1) throw new UserError('bad_argument', `confidence: expected 50% to 99.9%, got ${args.confidence}`);
    const { report: r, history, portfolio } = await services.risk.report({ horizon: args.horizon, confidence, dist: args.method === 't' ? { t: 5 } : 'normal' });
    const eq = r.equityUsd;
    const methods: [string, { var: number; es: number }][] = [];
    if (args.method === 'all' || args.method === 'historical') methods.push(['Historical', r.historical]);
    if (args.method === 'all' || args.method === 'parametric') methods.push(['Parametric', r.parametric]);
    if (args.method === 'all' || args.method === 'montecarlo' || args.method === 't') methods.push([args.method === 't' ? 'MC (t)' : 'Monte Carlo', r.monteCarlo]);
    const rows = methods.map(([name, x]) => [name, `${fmtPct(x.var)} ${usd(x.var * eq)}`, `${fmtPct(x.es)} ${usd(x.es * eq)}`]);
    // A phone gets compact USD only: the shares of equity stay in the full table (and the 1d / 7d VaR line below).
    const compact = (x: number): string => fmtUsdCompact(usdFromNumber(x * eq));
    const narrow = methods.map(([name, x]) => [name, compact(x.var), compact(x.es)]);
    const top = [...r.contributions].sort((a, b) => b.esUsd - a.esUsd).slice(0, 5);
    const betas = Object.entries(r.betas).map(([a, b]) => `${a} ${b.toFixed(2)}`).join(' · ');
    return reply.of(
      reply.title(`Risk · ${args.horizon}-day · ${fmtPct(confidence, confidence * 100 % 1 === 0 ? 0 : 1)}`),
      reply.muted(`Equity ${usd(eq)} · ${r.days} days of ${services.risk.historyName} history${history.assumedPegged.length ? ` · ${history.assumedPegged.join(', ')} held at $1` : ''}`),
      reply.table(['Method', { header: 'VaR', align: 'right' }, { header: 'ES', align: 'right' }], rows,
        reply.table(['Method', { header: 'VaR', align: 'right' }, { header: 'ES', align: 'right' }], narrow)),
      reply.fields([
        ['1d / 7d VaR', `${fmtPct(r.var1d.var)} / ${fmtPct(r.var7d.var)} (historical)`],
        ['Beta', betas || '—'],
      ]),
      // These are a backtest of today's positions, not the account's record: said so where they are shown.
      reply.text(`If held for the last ${r.days} days`, 'title'),
      reply.fields([
        ['Volatility', `${fmtPct(r.volAnnual, 1)} a year`],
        ['Sharpe · Sortino', `${fmtRatio(r.sharpe, 'no volatility in the window')} · ${fmtRatio(r.sortino, 'no downside in the window')}`],
        ['Calmar', fmtRatio(r.calmar, 'no drawdown in the window')],
        ['Max drawdown', `${fmtPct(r.maxDrawdown, 1)} (now ${fmtPct(r.currentDrawdown, 1)})`],
      ]),
      reply.text('Top risk (share of ES)', 'title'),
      reply.table(['Position', { header: 'ES', align: 'right' }, { header: 'Share', align: 'right' }], top.map((c) => [c.label, usd(c.esUsd), fmtPct(c.share, 1)])),
      reply.muted(`VaR, ES and the figures above: today’s positions over the last ${r.days} days; ES contributions sum to historical ES. Updated ${fmtTime(portfolio.asOf, services.runtime.timeZone)}.`),
      reply.buttons([
        await buttons.command('↻ Refresh', 'risk', [String(args.horizon), String(confidence), args.method]),
        await buttons.command('Stress', 'stress'),
        await buttons.command('Correlation', 'correlation'),
      ]),
    );
  },
});
