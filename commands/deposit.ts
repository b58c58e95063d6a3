import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand } from '../src/core/index.ts';

export default defineCommand<AppServices>()({
  name: 'deposit',
  description: 'Open an LP position around the price with the amounts you give; confirm to send',
  role: 'trader',
  group: 'Trade',
  help: 'POOL as in /lp (SOL/USDC) or the pair address; BASE and QUOTE amounts in tokens (0 for none); WIDTH in bins (default 11); '
    + 'SHAPE spot, curve or bidask. Base goes into the active bin and above, quote into it and below.',
  args: {
    pool: arg.string({ maxLength: 64, suggest: 'pool', expected: 'a pool such as SOL/USDC or a pair address', description: 'Pool (SOL/USDC)' }),
    base: arg.string({ maxLength: 40, expected: 'an amount of the base token, e.g. 1.5', description: 'Base amount' }),
    quote: arg.string({ maxLength: 40, expected: 'an amount of the quote token, e.g. 200', description: 'Quote amount' }),
    width: arg.number({ integer: true, min: 1, max: 64, default: 11, description: 'Width in bins' }),
    shape: arg.enum({ values: ['spot', 'curve', 'bidask'], default: 'spot', description: 'Liquidity shape' }),
  },
  async run({ args, services, actor, chat }) {
    return services.actions.deposit({ pool: args.pool, base: args.base, quote: args.quote, width: args.width, shape: args.shape }, actor, chat);
  },
});
