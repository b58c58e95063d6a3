import type { AppServices } from '../src/app/services.ts';
import { arg, bookArg, defineCommand, grossArg, reply, resolveBook, UserError } from '../src/core/index.ts';
import { actorKey, roleAllows } from '../src/domain/index.ts';
import { fmtPct, fmtSignedPct, fmtTime } from '../src/shared/format.ts';

const USAGE = 'Usage: /target use risk-parity, or /target use min-variance long-short gross=150%';

export default defineCommand<AppServices>()({
  name: 'target',
  description: 'Target weights for the drift check: show, use an optimiser result, or clear',
  role: 'viewer',
  group: 'Alerts',
  help: [
    'The monitor alerts (with a Rebalance button) when any weight drifts more than 5 points from its target.',
    'long-short (min-variance, max-sharpe, target-vol): signed weights summing to 100% net, gross ≤ 150% unless gross= says',
    'otherwise; the drift check then compares each asset\'s net exposure / the book\'s. Example: /target use min-variance long-short',
  ].join('\n'),
  args: {
    action: arg.enum({ values: ['show', 'use', 'clear'], default: 'show', description: 'show, use or clear' }),
    objective: arg.enum({ values: ['min-variance', 'max-sharpe', 'target-vol', 'risk-parity'], optional: true, description: 'Optimiser whose weights become the target' }),
    book: bookArg,
    gross: grossArg,
  },
  async run({ args, services, actor }) {
    const who = actorKey(actor);
    if (args.action !== 'show' && !roleAllows(actor.role ?? 'viewer', 'trader')) throw new UserError('forbidden', 'Changing the target needs the trader role.');
    const b = resolveBook(undefined, args.book, args.gross, USAGE);
    if (args.action !== 'use' && (args.book !== undefined || args.gross !== undefined)) throw new UserError('bad_argument', 'long-short and gross= go with use.', USAGE);
    if (args.action === 'clear') {
      await services.alerts.clearTargetWeights(who);
      return reply.of(reply.text('Target weights cleared: no drift checks.'));
    }
    if (args.action === 'use') {
      if (!args.objective) throw new UserError('bad_argument', 'use needs an objective.', USAGE);
      const v = await services.analytics.optimize(args.objective, b.longShort ? { longShort: true, ...(b.gross !== undefined ? { gross: b.gross } : {}) } : {});
      const weights = Object.fromEntries(v.assets.map((a, i) => [a, v.optimum.weights[i] ?? 0]));
      await services.alerts.setTargetWeights(weights, `${args.objective}${v.grossCap === null ? '' : ' long-short'}`, who, v.grossCap);
    }
    const d = await services.alerts.drift();
    if (!d) return reply.of(reply.text('No target weights set.'), reply.muted('Set one with /target use risk-parity (or any /optimize objective).'));
    const cap = d.target.grossCap;
    const measured = Number.isFinite(d.max);
    return reply.of(
      reply.title(`Target: ${d.target.source}`),
      reply.muted(`Set ${fmtTime(d.target.setAt, services.runtime.timeZone)} by ${d.target.setBy}${cap === null ? '' : ` · gross ≤ ${fmtPct(cap, 0)}`}`),
      reply.table(['Asset', { header: 'Now', align: 'right' }, { header: 'Target', align: 'right' }, { header: 'Drift', align: 'right' }],
        d.rows.map((r) => [r.asset, fmtPct(r.current, 1), fmtPct(r.target, 1), fmtSignedPct(r.drift, 1)])),
      !measured
        ? reply.text('The book\'s net exposure is not above 0: its long-short weights (net exposure / the book\'s) cannot be compared.', 'warning')
        : reply.text(d.max > 0.05 ? `Largest drift ${fmtPct(d.max, 1)}: over the 5% rebalance threshold.` : `Largest drift ${fmtPct(d.max, 1)}: within 5%.`, d.max > 0.05 ? 'warning' : 'body'),
      cap === null ? null : reply.muted('Now = the asset\'s net exposure / the book\'s; below 0 is short (a perp).'),
    );
  },
});
