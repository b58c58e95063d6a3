import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply, UserError } from '../src/core/index.ts';
import { actorKey, roleAllows } from '../src/domain/index.ts';
import { fmtPct, fmtSignedPct, fmtTime } from '../src/shared/format.ts';

export default defineCommand<AppServices>()({
  name: 'target',
  description: 'Target weights for the drift check: show, use an optimiser result, or clear',
  role: 'viewer',
  group: 'Alerts',
  help: 'The monitor alerts (with a Rebalance button) when any weight drifts more than 5 points from its target.',
  args: {
    action: arg.enum({ values: ['show', 'use', 'clear'], default: 'show', description: 'show, use or clear' }),
    objective: arg.enum({ values: ['min-variance', 'max-sharpe', 'target-vol', 'risk-parity'], optional: true, description: 'Optimiser whose weights become the target' }),
  },
  async run({ args, services, actor }) {
    const who = actorKey(actor);
    if (args.action !== 'show' && !roleAllows(actor.role ?? 'viewer', 'trader')) throw new UserError('forbidden', 'Changing the target needs the trader role.');
    if (args.action === 'clear') {
      await services.alerts.clearTargetWeights(who);
      return reply.of(reply.text('Target weights cleared: no drift checks.'));
    }
    if (args.action === 'use') {
      if (!args.objective) throw new UserError('bad_argument', 'use needs an objective.', 'Usage: /target use risk-parity');
      const v = await services.analytics.optimize(args.objective);
      await services.alerts.setTargetWeights(Object.fromEntries(v.assets.map((a, i) => [a, v.optimum.weights[i] ?? 0])), args.objective, who);
    }
    const d = await services.alerts.drift();
    if (!d) return reply.of(reply.text('No target weights set.'), reply.muted('Set one with /target use risk-parity (or any /optimize objective).'));
    return reply.of(
      reply.title(`Target: ${d.target.source}`),
      reply.muted(`Set ${fmtTime(d.target.setAt, services.runtime.timeZone)} by ${d.target.setBy}`),
      reply.table(['Asset', { header: 'Now', align: 'right' }, { header: 'Target', align: 'right' }, { header: 'Drift', align: 'right' }],
        d.rows.map((r) => [r.asset, fmtPct(r.current, 1), fmtPct(r.target, 1), fmtSignedPct(r.drift, 1)])),
      reply.text(d.max > 0.05 ? `Largest drift ${fmtPct(d.max, 1)}: over the 5% rebalance threshold.` : `Largest drift ${fmtPct(d.max, 1)}: within 5%.`, d.max > 0.05 ? 'warning' : 'body'),
    );
  },
});
