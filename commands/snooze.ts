import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, reply } from '../src/core/index.ts';
import { fmtTime } from '../src/shared/format.ts';

export default defineCommand<AppServices>()({
  name: 'snooze',
  description: 'Pause all alerts for a while: /snooze 1h (emergencies still come through)',
  role: 'trader',
  group: 'Alerts',
  args: { duration: arg.string({ maxLength: 10, expected: 'a time such as 30m, 1h or 2d, or off', description: 'How long' }) },
  async run({ args, services }) {
    const until = await services.alerts.snoozeAll(args.duration);
    return reply.of(reply.text(until === null ? 'Snooze ended: alerts are back on.' : `All alerts snoozed until ${fmtTime(until, services.runtime.timeZone)}. Emergencies still come through.`));
  },
});
