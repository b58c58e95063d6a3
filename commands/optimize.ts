import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply, UserError } from '../src/core/index.ts';
import { fmtPct, fmtSignedPct } from '../src/shared/format.ts';

export default defineCommand<AppServices>()({
  name: 'optimize',
  description: 'Target weights: min-variance, max-sharpe, target-vol (15%) or risk-parity',
  role: 'viewer',
  group: 'Risk',
  help: 'Long-only, each weight capped by the position-share limit. Uses daily returns over the risk window.',
  args: {
    objective: arg.enum({ values: ['min-variance', 'max-sharpe', 'target-vol', 'risk-parity'], default: 'min-variance', description: 'Objective' }),
    target: arg.number({ optional: true, min: 0.01, max: 300, description: 'Target annual volatility for target-vol, e.g. 15%' }),
  },
  async run({ args, services, buttons }) {
    if (args.target !== undefined && args.objective !== 'target-vol') throw new UserError('bad_argument', 'target only applies to target-vol.', 'Usage: /optimize target-vol 20%');
    const target = args.target === undefined ? undefined : args.target > 1 ? args.target / 100 : args.target;
    const v = await services.analytics.optimize(args.objective, target);
    const rows = v.assets.map((a, i) => [a, fmtPct(v.current[i] ?? 0, 1), fmtPct(v.optimum.weights[i] ?? 0, 1), fmtSignedPct((v.optimum.weights[i] ?? 0) - (v.current[i] ?? 0), 1)]);
    return reply.of(
      reply.title(`Optimise: ${args.objective}`),
      reply.muted(`${v.assets.length} assets · ${v.days} days · each weight ≤ ${fmtPct(v.upperBound, 0)}`),
      reply.table(['Asset', { header: 'Now', align: 'right' }, { header: 'Target', align: 'right' }, { header: 'Δ', align: 'right' }], rows),
      reply.fields([
        ['Volatility', `${fmtPct(v.annual.volatility, 1)} a year`],
        ['Expected return', v.annual.expectedReturn === null ? '—' : `${fmtSignedPct(v.annual.expectedReturn, 1)} a year (historical mean)`],
        ['Sharpe', v.annual.sharpe === null ? '—' : v.annual.sharpe.toFixed(2)],
      ]),
      v.optimum.note ? reply.text(`Note: ${v.optimum.note}.`, 'warning') : null,
      reply.muted('Weights only: nothing is traded. Expected returns are past means, a weak guide.'),
      reply.buttons([await buttons.command('Use as target', 'target', ['use', args.objective])]),
    );
  },
});
