import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, UserError } from '../src/core/index.ts';

export default defineCommand<AppServices>()({
  name: 'recenter',
  description: 'Move an LP position around the current price (remove, swap, add); confirm to send',
  role: 'trader',
  group: 'Trade',
  help: 'POSITION is its number in /lp. WIDTH in bins (1–64, default: its current width); SHAPE spot, curve or bidask. '
    + 'Each leg is its own transaction, sent in order after Confirm; a leg that fails stops the rest.',
  args: {
    position: arg.string({ maxLength: 80, suggest: 'position', expected: 'a position number from /lp (1, 2 …) or its id', description: 'Position (# from /lp)' }),
    width: arg.number({ integer: true, min: 1, max: 64, optional: true, description: 'New width in bins (default: current)' }),
    shape: arg.enum({ values: ['spot', 'curve', 'bidask'], default: 'spot', description: 'Liquidity shape' }),
  },
  async run({ args, services, actor, chat }) {
    const p = await services.portfolio.refresh();
    const views = services.views.lps(p);
    const v = services.views.findLp(views, args.position);
    if (!v) throw new UserError('not_found', views.length === 0 ? 'No liquidity positions to re-center.' : `No position "${args.position}": use a number from /lp (1–${views.length}).`);
    return services.actions.recenter({ positionId: v.position.id, width: args.width ?? null, shape: args.shape }, actor, chat);
  },
});
