import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand } from '../src/core/index.ts';

export default defineCommand<AppServices>()({
  name: 'rebalance',
  description: 'Plan the trades back to target weights (spot, or cutting a long perp); confirm to send',
  role: 'trader',
  group: 'Trade',
  help: [
    'ORACLE: target (the weights set with /target; the default when one is set), equal (default otherwise), inverse-vol,',
    'risk-parity, min-variance, max-sharpe, target-vol, static:<file>, signals:<file or URL> — see /weights.',
    'Only assets more than 5 points off their weight trade; sells first, USDC is the cash leg. A sell beyond the spot held',
    'reduces a long perp of the asset (reduce-only). Nothing is sent until you tap Confirm.',
  ].join('\n'),
  args: {
    oracle: arg.string({ optional: true, maxLength: 300, expected: 'an oracle name such as risk-parity, target or static:weights.yaml', description: 'Weight oracle' }),
  },
  async run({ args, services, actor, chat }) {
    return services.actions.rebalance(args.oracle ?? null, actor, chat);
  },
});
