import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand } from '../src/core/index.ts';

export default defineCommand<AppServices>()({
  name: 'swap',
  description: 'Swap on a liquidity pool, quoted from its bins; confirm to send',
  role: 'trader',
  group: 'Trade',
  help: 'POOL as in /lp (SOL/USDC) or the pair address; AMOUNT of the token SELL you sell (e.g. /swap SOL/USDC 1.5 SOL). '
    + 'The card shows the output, fee, price impact and the minimum the program must pay.',
  args: {
    pool: arg.string({ maxLength: 64, suggest: 'pool', expected: 'a pool such as SOL/USDC or a pair address', description: 'Pool (SOL/USDC)' }),
    amount: arg.string({ maxLength: 40, expected: 'an amount in tokens, e.g. 1.5', description: 'Amount sold' }),
    sell: arg.string({ maxLength: 16, suggest: 'asset', expected: 'the token sold, e.g. SOL', description: 'Token sold' }),
  },
  async run({ args, services, actor, chat }) {
    return services.actions.swap({ pool: args.pool, sell: args.sell, amount: args.amount }, actor, chat);
  },
});
