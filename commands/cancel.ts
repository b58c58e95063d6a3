import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply } from '../src/core/index.ts';

export default defineCommand<AppServices>()({
  name: 'cancel',
  description: 'Cancel a pending plan you asked for, by id (admins: any; see /pending)',
  help: 'Only the trader who asked for a plan, or an admin, can cancel it; the Cancel button follows the same rule.',
  role: 'trader',
  group: 'Trade',
  args: {
    id: arg.string({ maxLength: 16, suggest: 'plan', pattern: /^[a-z0-9]{4,16}$/, expected: 'a plan id from /pending, like k3m9x2ab', description: 'Plan id' }),
  },
  async run({ args, services, actor }) {
    const r = await services.actions.cancel(args.id, actor);
    return reply.of(reply.text(`Cancelled plan ${r.plan.id} (${r.plan.title}). Nothing was sent.`));
  },
});
