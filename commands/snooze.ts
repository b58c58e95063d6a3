import type { AppServices } from '../src/app/services.ts';
import { arg, defineCommand, durationMs, reply } from '../src/core/index.ts';
import { fmtTime } from '../src/shared/format.ts';

export default defineCommand<AppServices>()({
  name: 'snooze',
  description: 'Pause all alerts for a while: /snooze 1h (emergencies still come through)',
  role: 'trader',
  group: 'Alerts',
  args: { duration: arg.duration({ unit: 'm', min: 1, max: 30 * 24 * 60, off: true, description: 'How long: 30m, 1h, 2d, or off' }) },
  async run({ args, services }) {
    const until = await services.alerts.snoozeAll(durationMs(args.duration, 'm'));
    return reply.of(reply.text(until === null ? 'Snooze ended: alerts are back on.' : `All alerts snoozed until ${fmtTime(until, services.runtime.timeZone)}. Emergencies still come through.`));
  },
});
