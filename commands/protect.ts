import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand } from '../src/core/index.ts';

export default defineCommand<AppServices>()({
  name: 'protect',
  description: 'Plan the smallest reduce-only cuts that restore health; confirm to send',
  role: 'trader',
  group: 'Trade',
  help: 'TARGET_HEALTH (0–100, default: the health warning level + its margin). Largest tail-risk contributors are cut first, only as far as needed.',
  args: {
    target: arg.number({ optional: true, min: 1, max: 100, integer: true, description: 'Health to restore (1–100)' }),
  },
  async run({ args, services, actor, chat }) {
    return services.actions.protect(args.target ?? null, actor, chat);
  },
});
