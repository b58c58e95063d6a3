import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, UserError } from '../src/core/index.ts';

/** "50%", "50", "12.5%" → basis points (1..10,000); "all" → 10,000. */
function shareBps(text: string | undefined): number {
  if (text === undefined || text.toLowerCase() === 'all') return 10_000;
  const m = /^(\d+(?:\.\d{1,2})?)%?$/.exec(text.trim());
  const bps = m ? Math.round(Number(m[1]) * 100) : NaN;
  if (!(bps >= 1 && bps <= 10_000)) throw new UserError('bad_argument', `SHARE: expected a share from 0.01% to 100% (or all), got "${text}".`, 'Example: /withdraw 1 50%');
  return bps;
}

export default defineCommand<AppServices>()({
  name: 'withdraw',
  description: 'Take liquidity out of an LP position (a share or all); confirm to send',
  role: 'trader',
  group: 'Trade',
  help: 'POSITION is its number in /lp; SHARE a percentage (default all: the position is closed). Every bin gives up that share.',
  args: {
    position: arg.string({ maxLength: 80, suggest: 'position', expected: 'a position number from /lp (1, 2 …) or its id', description: 'Position (# from /lp)' }),
    share: arg.string({ maxLength: 8, optional: true, expected: 'a share such as 50% (default all)', description: 'Share to take out (default all)' }),
  },
  async run({ args, services, actor, chat }) {
    const fractionBps = shareBps(args.share);
    const p = await services.portfolio.refresh();
    const views = services.views.lps(p);
    const v = services.views.findLp(views, args.position);
    if (!v) throw new UserError('not_found', views.length === 0 ? 'No liquidity positions to withdraw from.' : `No position "${args.position}": use a number from /lp (1–${views.length}).`);
    return services.actions.withdraw({ positionId: v.position.id, fractionBps }, actor, chat);
  },
});
