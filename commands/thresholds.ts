import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply, UserError } from '../src/core/index.ts';
import { actorKey, roleAllows } from '../src/domain/index.ts';
import { fmtPct } from '../src/shared/format.ts';

export default defineCommand<AppServices>()({
  name: 'thresholds',
  description: 'Alert thresholds; admins: /thresholds set health_warning 40',
  role: 'viewer',
  group: 'Alerts',
  help: 'Keys: health_warning, health_critical, health_emergency, liq_warning, liq_critical, liq_emergency, concentration, pnl_move, lp_near_edge_bins, lp_skew, lp_oracle_divergence.',
  args: {
    action: arg.enum({ values: ['show', 'set'], default: 'show', description: 'show or set' }),
    key: arg.string({ optional: true, maxLength: 32, description: 'Threshold to set' }),
    value: arg.number({ optional: true, description: 'New value' }),
  },
  async run({ args, services, actor }) {
    let t = await services.alerts.thresholds();
    if (args.action === 'set') {
      if (!roleAllows(actor.role ?? 'viewer', 'admin')) throw new UserError('forbidden', 'Changing thresholds needs the admin role.');
      if (!args.key || args.value === undefined) throw new UserError('bad_argument', 'set needs a key and a value.', 'Usage: /thresholds set health_warning 40');
      t = await services.alerts.setThreshold(args.key, args.value, actorKey(actor));
    }
    const tiers = (x: { warning: number; critical: number | null; emergency: number | null }, f: (v: number) => string): string =>
      [`⚠ ${f(x.warning)}`, x.critical === null ? null : `🚨 ${f(x.critical)}`, x.emergency === null ? null : `🆘 ${f(x.emergency)}`].filter(Boolean).join(' · ');
    return reply.of(
      reply.title(args.action === 'set' ? `Threshold ${args.key ?? ''} set` : 'Alert thresholds'),
      reply.fields([
        ['Health below', tiers(t.health, (v) => String(v))],
        ['Liquidation within', tiers(t.liquidationDistance, (v) => fmtPct(v, 0))],
        ['VaR / drawdown / leverage', `⚠ over the limit · 🚨 over ${t.var.critical ?? '—'}× the limit (see /limits)`],
        ['Concentration over', fmtPct(t.concentration.warning, 0)],
        ['Avg correlation over', t.correlation.warning.toFixed(2)],
        ['PnL move', `${fmtPct(t.pnlMove.warning, 0)} in ${t.pnlMove.windowMinutes} min`],
        ['LP near edge', `within ${t.lpNearEdge.bins} bins of either edge`],
        ['LP skew over', `${fmtPct(t.lpSkew.warning, 0)} (value imbalance of the two tokens)`],
        ['LP pool vs oracle', `over ${fmtPct(t.lpOracleDivergence.warning, 1)}`],
        ['Stale data', `${t.staleData.warningIntervals} refresh intervals`],
        ['Critical repeats', `every ${Math.round(t.repeatMs / 60_000)} min until acknowledged`],
      ]),
    );
  },
});
