import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply } from '../src/core/index.ts';
import { fmtPrice, fmtSignedPct } from '../src/shared/format.ts';

export default defineCommand<AppServices>()({
  name: 'signals',
  description: 'Mean-reversion signals: z-score vs the lookback mean, ranked by return per unit of risk',
  role: 'viewer',
  group: 'Risk',
  args: {
    lookback: arg.number({ integer: true, min: 5, max: 365, default: 20, description: 'Days in the mean' }),
    entry: arg.number({ min: 0.5, max: 5, default: 2, description: 'Entry |z|' }),
  },
  async run({ args, services }) {
    const s = await services.analytics.signals(args.lookback, args.entry);
    const rows = s.opportunities.map((o) => [o.market, o.z.toFixed(2), o.direction, fmtPrice(o.mean), fmtSignedPct(o.moveToMean, 1), o.score.toFixed(2)]);
    return reply.of(
      reply.title(`Signals · ${args.lookback}-day mean · |z| > ${args.entry}`),
      rows.length > 0
        ? reply.table(['Asset', { header: 'z', align: 'right' }, 'Side', { header: 'Mean', align: 'right' }, { header: 'To mean', align: 'right' }, { header: 'Score', align: 'right' }], rows,
          // A phone drops the mean price: the move back to it says the same in the unit that ranks signals.
          reply.table(['Asset', { header: 'z', align: 'right' }, 'Side', { header: 'To mean', align: 'right' }, { header: 'Score', align: 'right' }], rows.map((r) => [...r.slice(0, 3), ...r.slice(4)])))
        : reply.text('No asset is stretched enough to enter.'),
      reply.muted(`Most stretched: ${s.all.slice(0, 5).map((x) => `${x.market} ${x.z.toFixed(2)}`).join(' · ') || '—'}`),
      s.skipped.length > 0 ? reply.muted(`Skipped: ${s.skipped.map((x) => `${x.market} (${x.reason})`).join('; ')}`) : null,
      reply.muted('Score = move back to the mean / daily return stdev. Exit when |z| < 0.5.'),
    );
  },
});
