import type { AppServices } from '../src/app/services.ts';
import { arg, bookArg, defineCommand, grossArg, resolveBook, UserError } from '../src/core/index.ts';

const USAGE = 'Usage: /rebalance min-variance long-short gross=150%';

export default defineCommand<AppServices>()({
  name: 'rebalance',
  description: 'Plan the trades back to target weights (spot, perps, shorts if long-short); confirm to send',
  role: 'trader',
  group: 'Trade',
  help: [
    'ORACLE: target (the weights set with /target; the default when one is set), equal (default otherwise), inverse-vol,',
    'risk-parity, min-variance, max-sharpe, target-vol, static:<file>, signals:<file or URL> — see /weights.',
    'Only assets more than 5 points off their weight trade; sells first, USDC is the cash leg. A sell beyond the spot held',
    'reduces a long perp of the asset (reduce-only). Nothing is sent until you tap Confirm.',
    'long-short (min-variance, max-sharpe, target-vol, static:<file>): weights sum to 100% net, gross ≤ 150% unless',
    'gross= says otherwise; a weight below 0 opens or grows a short on the asset\'s perp. Example: /rebalance min-variance long-short',
  ].join('\n'),
  args: {
    oracle: arg.string({ optional: true, maxLength: 300, expected: 'an oracle name such as risk-parity, target or static:weights.yaml', description: 'Weight oracle' }),
    book: bookArg,
    gross: grossArg,
  },
  async run({ args, services, actor, chat }) {
    const b = resolveBook(args.oracle, args.book, args.gross, USAGE);
    // The stored target keeps the book it was set with; long-short needs weights made long-short.
    if (b.longShort && (b.slot === undefined || b.slot.toLowerCase() === 'target')) {
      throw new UserError('bad_argument', 'long-short needs an optimiser or a static: file to make the weights.', USAGE);
    }
    return services.actions.rebalance(b.slot ?? null, actor, chat, b.longShort ? { longShort: true, ...(b.gross !== undefined ? { gross: b.gross } : {}) } : {});
  },
});
